import { monitorEventLoopDelay } from "node:perf_hooks";
import { Client } from "undici";

export interface PacedRequest {
  method: "POST" | "GET";
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface PacedLoadOptions {
  url: string;
  /** one connection per device, each with at most one request in flight (a tracker waits for its ack) */
  connections: number;
  /** requests per second over all connections, spread evenly in time */
  ratePerSec: number;
  seconds: number;
  /** seconds at the same rate before the measured ones (connections opened, both sides' JIT warm); not counted */
  warmupSeconds?: number;
  /** the next request of a connection; `onReply` hears whether it was acknowledged */
  make: (connection: number) => { request: PacedRequest; onReply: (status: number, body: string, measured: boolean) => void };
  /** called as the measured seconds begin (the warm-up is over) and when their last reply is in, to take readings over that window */
  onMeasureStart?: () => void;
  onMeasureEnd?: () => void;
}

/** What the measured seconds got (the warm-up's requests are answered, and heard by onReply, but not counted here). */
export interface PacedLoadResult {
  /** requests that got a reply */
  replies: number;
  /** requests whose reply was not 2xx */
  non2xx: number;
  /** requests that failed without a reply (connection errors) */
  errors: number;
  /** latency of every reply, ms, counted from when the request was due, sorted */
  latenciesMs: number[];
  /** the load generator's own event-loop delay, p99 in ms: a share of every latency that is not the server's */
  loopDelayP99Ms: number;
  firstError: string;
}

/** The q-quantile (0..1) of sorted values, by the nearest-rank method. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An open-loop load at a steady rate, as many independent devices make it.
 * Connection i sends its k-th request at i/rate + k·connections/rate seconds,
 * so requests arrive evenly spaced rather than in bursts. (autocannon's rate
 * option lets each connection send its whole second's share at once, then
 * wait: its latencies at a "rate" are those of full speed.) A request that
 * cannot be sent on time because the last one is unanswered is sent late, and
 * its latency still counts from when it was due, so a slow server cannot hide
 * its backlog (coordinated omission).
 */
export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const { connections, ratePerSec, seconds } = options;
  const periodMs = (connections / ratePerSec) * 1000;
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let firstError = "";
  const clients = Array.from({ length: connections }, () => new Client(options.url, { pipelining: 1 }));
  const warmupMs = (options.warmupSeconds ?? 0) * 1000;
  const start = performance.now() + 50;
  const endMs = warmupMs + seconds * 1000;

  const device = async (i: number) => {
    const client = clients[i]!;
    for (let due = (i * 1000) / ratePerSec; due < endMs; due += periodMs) {
      // The request is built before it is due, so building it does not delay it.
      const { request, onReply } = options.make(i);
      const wait = start + due - performance.now();
      if (wait > 0) await sleep(wait);
      const measured = due >= warmupMs;
      try {
        const res = await client.request({ ...request, body: request.body ?? null });
        const body = await res.body.text();
        const latency = performance.now() - (start + due);
        onReply(res.statusCode, body, measured);
        if (!measured) continue;
        latencies.push(latency);
        if (res.statusCode < 200 || res.statusCode >= 300) {
          non2xx++;
          firstError ||= `${res.statusCode} ${body.slice(0, 200)}`;
        }
      } catch (e) {
        if (!measured) continue;
        errors++;
        firstError ||= e instanceof Error ? e.message : String(e);
      }
    }
  };
  const LOOP_RESOLUTION_MS = 5;
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const measuring = setTimeout(() => {
    loop.enable();
    options.onMeasureStart?.();
  }, start + warmupMs - performance.now());
  try {
    await Promise.all(clients.map((_, i) => device(i)));
    options.onMeasureEnd?.();
  } finally {
    clearTimeout(measuring);
    loop.disable();
    await Promise.all(clients.map((c) => c.close()));
  }
  latencies.sort((a, b) => a - b);
  // The histogram's samples include its own timer's interval (an idle loop reads 5 ms).
  const loopDelayP99Ms = loop.count > 0 ? Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS) : 0;
  return { replies: latencies.length, non2xx, errors, latenciesMs: latencies, loopDelayP99Ms, firstError };
}
