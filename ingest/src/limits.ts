/**
 * Every timeout and cap of the service, in one place: what it bounds, its
 * default, and the environment variable that sets it (`kayaktrack serve`).
 * docs/ARCHITECTURE.md ("Limits") lists the same table; a test keeps the two equal.
 */
export interface Limits {
  /** largest request body, bytes */
  maxBodyBytes: number;
  /** largest OwnTracks message, bytes: a point of interest may carry a photo (its `image`, base64) */
  maxOwntracksBytes: number;
  /** largest file to import, bytes */
  maxImportBytes: number;
  /** imports parsed at once (each in a worker thread of its own); more wait their turn */
  importsAtOnce: number;
  /** imports waiting for their turn; past it a new one gets 503 */
  importsWaiting: number;
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
  /** the admin's live streams (/api/v1/live) open at once */
  liveStreamsMax: number;
  /** share-link live streams open at once (no login needed; each holds a connection) */
  shareStreamsMax: number;
  /** of those, on one share link: one holder opening many cannot take every other link's room */
  shareStreamsPerLink: number;
  /** of those, on the links of one device */
  shareStreamsPerDevice: number;
  /** most fixes in one page of /fixes */
  maxPage: number;
  /** connections open at once from one address: one client trickling bytes over thousands cannot take them all (behind a reverse proxy every client has the proxy's address) */
  connectionsPerAddress: number;
  /** connections open at once in all, below the process's file limit */
  connectionsMax: number;
  /** time to receive a request's headers, ms */
  headersTimeoutMs: number;
  /** time to receive a whole request, ms (a batch over GPRS takes seconds; an 8 MiB OwnTracks photo from a phone tens) */
  requestTimeoutMs: number;
}

export const defaultLimits: Limits = {
  maxBodyBytes: 1024 * 1024,
  maxOwntracksBytes: 8 * 1024 * 1024,
  maxImportBytes: 64 * 1024 * 1024,
  importsAtOnce: 1,
  importsWaiting: 4,
  maxFixesPerBatch: 10_000,
  ratePerSec: 50,
  burst: 100,
  heartbeatMs: 15_000,
  liveQueueMax: 10_000,
  liveStallMs: 30_000,
  liveStreamsMax: 100,
  shareStreamsMax: 1000,
  shareStreamsPerLink: 50,
  shareStreamsPerDevice: 200,
  maxPage: 10_000,
  connectionsPerAddress: 256,
  connectionsMax: 10_000,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 120_000,
};

/** The environment variable of a limit: KAYAKTRACK_ and its name in capitals (ratePerSec → KAYAKTRACK_RATE_PER_SEC). */
export const limitEnvName = (key: keyof Limits) => `KAYAKTRACK_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** Limits set in the environment; a value that is no positive whole number (rates may be fractions) is an error naming it. */
export function limitsFromEnv(env: Record<string, string | undefined> = process.env): Partial<Limits> {
  const limits: Partial<Limits> = {};
  for (const key of Object.keys(defaultLimits) as Array<keyof Limits>) {
    const name = limitEnvName(key);
    const text = env[name]?.trim();
    if (!text) continue;
    const n = Number(text);
    const fraction = key === "ratePerSec";
    if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0) || (!fraction && !Number.isInteger(n)) || !Number.isSafeInteger(Math.ceil(n))) {
      throw new Error(`${name} must be a ${fraction ? "positive number" : "whole number of 1 or more"}, not '${text}'`);
    }
    limits[key] = n;
  }
  return limits;
}
