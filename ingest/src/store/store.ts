import type { AlertStore } from "../alerts/alert-store.ts";
import type { Fix, FixSource, StoredFix } from "../fix.ts";
import type { Trip, TripStats } from "../trips/trip.ts";
import type { RateLimit } from "../rate-limiter.ts";
import type { Awaitable } from "./awaitable.ts";

export type { Awaitable };

export interface Device {
  id: number;
  name: string;
  /** epoch ms */
  createdAt: number;
  /** epoch ms, or null while the device may send */
  revokedAt: number | null;
  /** epoch ms of the last accepted upload */
  lastSeenAt: number | null;
  /** upload intervals for a kayaktrack tracker, sent with each acknowledgement; null: the tracker's own */
  trackerSettings: TrackerSettings | null;
  /** a kayaktrack tracker's battery volts, from the latest batch that carried them */
  batteryVolts: number | null;
}

/** What the server may ask of a tracker in its acknowledgement (docs/wire-format.md). */
export interface TrackerSettings {
  uploadEveryS?: number;
  uploadAfterFixes?: number;
}

export interface DeviceWithLatest extends Device {
  /** the fix with the greatest time: late fixes never move it backwards */
  latest: StoredFix | null;
}

/** A read-only link to one trip or to a device's position. */
export interface Share {
  id: number;
  deviceId: number;
  /** a trip share's trip; null for a device share */
  tripId: number | null;
  /** epoch ms of the shared trip's start when the link was made */
  tripStartMs: number | null;
  /** seconds: fixes newer than this are hidden */
  delayS: number;
  /** epoch ms */
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export type NewShare = Pick<Share, "deviceId" | "tripId" | "tripStartMs" | "delayS" | "expiresAt">;

/**
 * What the store keeps of a tracker's batch, beside its fixes: (device, seq) makes an upload
 * idempotent, the digest tells a resend from another batch under the same seq, and `rejected`
 * lets a resend get the first acknowledgement again. (The batch's own header, on the wire, is
 * the firmware's BatchHeader.)
 */
export interface BatchReceipt {
  seq: number;
  /** identifies the content, so a reused seq with other content is refused, not silently acknowledged */
  digest: string;
  /** fixes of this batch that failed the sanity check before the write */
  rejected: number;
}

/** One request's write: checked fixes of one device. */
export interface WriteRequest {
  deviceId: number;
  source: FixSource;
  fixes: Fix[];
  batch?: BatchReceipt;
  /** the device's battery volts now, when the request carries them (a tracker's compact batch) */
  batteryVolts?: number | null;
}

export interface BatchAck {
  seq: number;
  stored: number;
  duplicates: number;
  rejected: number;
}

export interface WriteResult {
  /** the fixes this write added, with their ids (may be built only when read) */
  readonly stored: StoredFix[];
  /** how many fixes this write added: stored.length without building them */
  storedCount: number;
  /** fixes whose (device, time) was already stored */
  duplicates: number;
  /** for a batch: its acknowledgement, the first one again when `replayed` */
  ack?: BatchAck;
  replayed: boolean;
}

/** A batch whose seq was already used for other content. */
export class BatchConflictError extends Error {
  constructor(readonly deviceId: number, readonly seq: number) {
    super(`batch ${seq} of device ${deviceId} was already stored with other content`);
    this.name = "BatchConflictError";
  }
}

/**
 * The database cannot answer now (PostgreSQL went away, or is restarting): nothing was read or
 * written. The API answers 503 with Retry-After, and the store connects again by itself.
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "StoreUnavailableError";
  }
}

export interface FixQuery {
  deviceId: number;
  /** epoch seconds, inclusive */
  from?: number;
  /** epoch seconds, inclusive */
  to?: number;
  /** page cursor: only fixes after this time (epoch ms) */
  afterMs?: number;
  limit: number;
}

/**
 * The storage contract. Implementations live in their own folders and pass the
 * shared suite in store.contract.ts.
 */
export interface Store {
  /** alerts, contacts and their deliveries, in the same database (alerts/alert-store.ts) */
  readonly alerts: AlertStore;

  addDevice(name: string): Awaitable<{ device: Device; token: string }>;
  listDevices(): Awaitable<DeviceWithLatest[]>;
  getDevice(id: number): Awaitable<DeviceWithLatest | undefined>;
  /** false when there is no such device */
  revokeDevice(id: number): Awaitable<boolean>;
  /** Sets (or with null clears) the device's tracker settings; false for an unknown device. */
  setTrackerSettings(id: number, settings: TrackerSettings | null): Awaitable<boolean>;
  /** Sets (or with null clears) the key of the device's OwnTracks encryption; false for an unknown device. */
  setOwntracksKey(id: number, key: string | null): Awaitable<boolean>;
  /** The device's OwnTracks encryption key, if one is set (kept out of Device, which is listed). */
  owntracksKey(id: number): Awaitable<string | undefined>;
  /** the active device with this id whose token matches, compared in constant time */
  authenticate(id: number, token: string): Awaitable<Device | undefined>;
  /** the active device this token belongs to */
  deviceForToken(token: string): Awaitable<Device | undefined>;

  /**
   * Writes requests in one transaction: all are durable when it returns.
   * A request that fails gets its Error in place of a result; the others are kept.
   */
  write(requests: WriteRequest[]): Awaitable<Array<WriteResult | Error>>;

  /** one device's fixes in time order */
  fixes(q: FixQuery): Awaitable<StoredFix[]>;
  /** the device's newest fix at or before this time (epoch ms) */
  latestBefore(deviceId: number, toMs: number): Awaitable<StoredFix | undefined>;
  /** fixes stored after the one with this id, in id order (for resuming the live stream) */
  fixesAfterId(afterId: number, deviceId: number | undefined, limit: number): Awaitable<StoredFix[]>;
  /** the greatest fix id stored, 0 when none: every fix stored later has a greater one */
  lastFixId(): Awaitable<number>;

  /**
   * Takes (reads and clears) the fix time from which the device's trips are out
   * of date; writes of fixes set it again. undefined when the trips are current.
   */
  takeTripsDirty(deviceId: number): Awaitable<number | undefined>;
  /** Sets it back (to the earlier time) when a recomputation failed. */
  markTripsDirty(deviceId: number, fromMs: number): Awaitable<void>;
  /** epoch ms of the start of the device's last trip starting at or before `ms` */
  tripStartBefore(deviceId: number, ms: number): Awaitable<number | undefined>;
  /**
   * Replaces the device's trips starting at or after `fromMs` (a trip keeps its
   * id while its start is unchanged).
   */
  replaceTrips(deviceId: number, fromMs: number, trips: TripStats[]): Awaitable<void>;
  /** the device's trips, oldest first */
  trips(deviceId: number): Awaitable<Trip[]>;
  trip(id: number): Awaitable<Trip | undefined>;

  /** a new share and its token (shown once; only its hash is kept) */
  addShare(share: NewShare): Awaitable<{ share: Share; token: string }>;
  shares(): Awaitable<Share[]>;
  /** the share this token belongs to, revoked or expired ones included */
  shareForToken(token: string): Awaitable<Share | undefined>;
  /** false when there is no such share */
  revokeShare(id: number): Awaitable<boolean>;

  getSetting(key: string): Awaitable<string | undefined>;
  setSetting(key: string, value: string): Awaitable<void>;

  /**
   * Only in a store several processes share (PostgreSQL): calls `listener` with the fixes any
   * process commits of the devices `wants` names, each device's in the order they committed, so
   * that every process's live streams hear them all; `onError` hears what it could not read.
   * Absent, a process's own commits are all there are (SQLite). Returns the function that stops it.
   */
  watchFixes?(wants: (deviceId: number) => boolean, listener: (fixes: StoredFix[]) => void, onError: (err: Error) => void): () => Promise<void>;

  /**
   * Only in a store processes share: a device's upload rate as one token bucket in the database,
   * so that a device cannot multiply its rate by the number of processes.
   */
  sharedRateLimit?(ratePerSec: number, burst: number): RateLimit;

  /** throws when the storage cannot answer */
  check(): Awaitable<void>;
  close(): Awaitable<void>;
}

/**
 * Where group commit sends its writes: the store in this thread, or a writer
 * thread with its own connection to the same database
 * (store/sqlite/writer-thread.ts), which leaves this thread free for HTTP.
 */
export interface FixWriter {
  /** Store.write's contract, answered once the transaction has committed. */
  write(requests: WriteRequest[]): Promise<Array<WriteResult | Error>>;
  /** Stops after the writes already asked for; safe to call twice. */
  close(): Promise<void>;
}

/** A FixWriter that writes through the store in this thread. */
export function storeWriter(store: Store): FixWriter {
  let closed = false;
  return {
    write: async (requests) => {
      if (closed) throw new Error("the writer is closed");
      return await store.write(requests);
    },
    close: async () => {
      closed = true;
    },
  };
}
