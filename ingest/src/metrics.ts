import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The service's Prometheus metrics, in a registry of its own per app. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: "kayaktrack_" });
  const m = {
    registry,
    fixesStored: new Counter({
      name: "kayaktrack_fixes_stored_total",
      help: "Fixes stored, by way in",
      labelNames: ["source"] as const,
      registers: [registry],
    }),
    duplicates: new Counter({
      name: "kayaktrack_fixes_duplicate_total",
      help: "Fixes not stored again because their (device, time) was already stored",
      labelNames: ["source"] as const,
      registers: [registry],
    }),
    fixesRejected: new Counter({
      name: "kayaktrack_fixes_rejected_total",
      help: "Fixes dropped by the sanity check, by reason",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    requestsRejected: new Counter({
      name: "kayaktrack_requests_rejected_total",
      help: "Requests answered with an error, by status and error",
      labelNames: ["status", "error"] as const,
      registers: [registry],
    }),
    notPositions: new Counter({
      name: "kayaktrack_messages_not_positions_total",
      help: "Messages the apps send that carry no position (a trip summary, a visit, an app event, a heartbeat without a fix, a push token, an OwnTracks card…), by way in and kind",
      labelNames: ["source", "kind"] as const,
      registers: [registry],
    }),
    batches: new Counter({
      name: "kayaktrack_batches_total",
      help: "Uploads accepted, by way in and outcome (stored, replayed)",
      labelNames: ["source", "outcome"] as const,
      registers: [registry],
    }),
    liveClients: new Gauge({
      name: "kayaktrack_live_clients",
      help: "Open live (SSE) streams",
      registers: [registry],
    }),
    commitRequests: new Histogram({
      name: "kayaktrack_commit_requests",
      help: "Requests sharing one commit (group commit)",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: "kayaktrack_http_request_duration_seconds",
      help: "HTTP request latency",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
