import type { Logger } from "pino";
import { pino } from "pino";
import type { RejectReason } from "./fix.ts";
import { LiveHub } from "./live-hub.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { storeWriter, type FixWriter, type Store } from "./store/store.ts";
import { hashToken } from "./tokens.ts";
import { WriteQueue } from "./write-queue.ts";
import { createApp } from "./app.ts";
import type { TripOptions } from "./trips/trip.ts";
import { defaultMapUi, type MapUiOptions } from "./routes/map-ui.ts";

export interface Limits {
  /** largest request body, bytes */
  maxBodyBytes: number;
  /** largest OwnTracks message, bytes: a point of interest may carry a photo (its `image`, base64) */
  maxOwntracksBytes: number;
  /** largest file to import, bytes */
  maxImportBytes: number;
  /** most fixes in one batch */
  maxFixesPerBatch: number;
  /** uploads per second per device, sustained */
  ratePerSec: number;
  /** uploads per device at once */
  burst: number;
  /** live stream heartbeat interval, ms */
  heartbeatMs: number;
  /** fixes queued for one live client before it is dropped (it resumes with Last-Event-ID) */
  liveQueueMax: number;
  /** ms a live client may leave one event unread (its socket full) before it is dropped */
  liveStallMs: number;
  /** share-link live streams open at once (no login needed; each holds a connection and is woken by its device's commits) */
  shareStreamsMax: number;
  /** of those, on one share link: one holder opening many cannot take every other link's room */
  shareStreamsPerLink: number;
  /** most fixes in one page of /fixes */
  maxPage: number;
}

export const defaultLimits: Limits = {
  maxBodyBytes: 1024 * 1024,
  maxOwntracksBytes: 8 * 1024 * 1024,
  maxImportBytes: 64 * 1024 * 1024,
  maxFixesPerBatch: 10_000,
  ratePerSec: 50,
  burst: 100,
  heartbeatMs: 15_000,
  liveQueueMax: 10_000,
  liveStallMs: 30_000,
  shareStreamsMax: 1000,
  shareStreamsPerLink: 50,
  maxPage: 10_000,
};

/** Everything a route needs; built once per service. */
export interface ServiceDeps {
  store: Store;
  queue: WriteQueue;
  hub: LiveHub;
  metrics: Metrics;
  log: Logger;
  limiter: RateLimiter;
  adminTokenHash: Buffer;
  limits: Limits;
  /** over the database's trip thresholds (trip-settings.ts), for tests */
  tripOptions: Partial<TripOptions>;
  /** the address people open, for share links (default: the address a request came to) */
  publicUrl?: string;
  /** the web map's build folder and tile layer */
  mapUi: MapUiOptions;
  /** counts fixes dropped by the sanity check */
  countRejects(reasons: Partial<Record<RejectReason, number>>): void;
}

export interface ServiceOptions {
  store: Store;
  /** where group commit writes (default: the store, in this thread) */
  writer?: FixWriter;
  /** the admin token in clear (tests, env) or its hash */
  adminToken: string | Buffer;
  log?: Logger;
  limits?: Partial<Limits>;
  /** how fixes are split into trips, over the database's own thresholds (`kayaktrack trips settings`) */
  tripOptions?: Partial<TripOptions>;
  /** the address people open (KAYAKTRACK_PUBLIC_URL), for share links */
  publicUrl?: string;
  /** the web map's build folder and tile layer (default: map-ui/dist, OpenStreetMap) */
  map?: Partial<MapUiOptions>;
  defaultMetrics?: boolean;
}

/** Wires storage, group commit, the live hub and metrics, and builds the Hono app. */
export function createService(options: ServiceOptions) {
  const limits = { ...defaultLimits, ...options.limits };
  const metrics = createMetrics({ defaultMetrics: options.defaultMetrics ?? false });
  const hub = new LiveHub();
  const log = options.log ?? pino({ level: "silent" });
  const writer = options.writer ?? storeWriter(options.store);
  const queue = new WriteQueue(writer, {
    onCommit(requests, results) {
      metrics.commitRequests.observe(requests.length);
      results.forEach((r, i) => {
        if (r instanceof Error) return;
        const source = requests[i]!.source;
        metrics.fixesStored.inc({ source }, r.storedCount);
        if (r.duplicates) metrics.duplicates.inc({ source }, r.duplicates);
        if (hub.size > 0) hub.publish(r.stored);
      });
    },
  });
  const deps: ServiceDeps = {
    store: options.store,
    queue,
    hub,
    metrics,
    log,
    limiter: new RateLimiter(limits.ratePerSec, limits.burst),
    adminTokenHash: typeof options.adminToken === "string" ? hashToken(options.adminToken) : options.adminToken,
    limits,
    tripOptions: options.tripOptions ?? {},
    mapUi: { ...defaultMapUi, ...options.map },
    ...(options.publicUrl && { publicUrl: options.publicUrl }),
    countRejects(reasons) {
      for (const [reason, n] of Object.entries(reasons)) if (n) metrics.fixesRejected.inc({ reason }, n);
    },
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    /** Ends live streams, commits what is waiting and closes the store; safe to call twice. */
    async close() {
      hub.closeAll();
      await queue.close();
      await writer.close();
      options.store.close();
    },
  };
}

export type Service = ReturnType<typeof createService>;
