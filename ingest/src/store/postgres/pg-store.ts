import pg from "pg";
import type { StoredFix } from "../../fix.ts";
import { hashToken, newToken, tokenMatches } from "../../tokens.ts";
import type { Trip, TripStats } from "../../trips/trip.ts";
import { FIX_COLUMNS, toDevice, toFix, toShare, toTrip, type DeviceRow, type FixRow, type ShareRow, type TripRow } from "../rows.ts";
import {
  BatchConflictError,
  type BatchAck,
  type Device,
  type DeviceWithLatest,
  type FixQuery,
  type NewShare,
  type Share,
  type Store,
  type TrackerSettings,
  type WriteRequest,
  type WriteResult,
} from "../store.ts";
import { toWriteResult, type RowResult } from "../write-result.ts";
import { PgAlertStore } from "./pg-alert-store.ts";
import { PgRateLimiter } from "./pg-rate-limiter.ts";
import { connectPostgres, migratePostgres } from "./pg-migrate.ts";
import { guardedQuery, inTransaction } from "./pg-transaction.ts";

/** The channel a commit of new fixes is announced on (NOTIFY, by kayaktrack_write): "DEVICE:FIRST-LAST", a run of new ids. */
export const FIXES_CHANNEL = "kayaktrack_fixes";

/** A notice's device and ids. */
export function readNotice(payload: string): { deviceId: number; ids: number[] } {
  const [device, list = ""] = payload.split(":");
  const ids: number[] = [];
  for (const r of list.split(",")) {
    const [a, b = a] = r.split("-").map(Number);
    for (let id = a!; id <= b!; id++) ids.push(id);
  }
  return { deviceId: Number(device), ids };
}

export interface PgStoreOptions {
  /** connections in the pool (default 10) */
  max?: number;
}

/** Connects to a postgres:// URL (one clear line when it cannot), migrates, and opens the store. */
export async function openPgStore(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
  const pool = await connectPostgres(url, options.max);
  try {
    await migratePostgres(pool);
  } catch (e) {
    await pool.end();
    throw e;
  }
  return new PgStore(pool, url);
}

const fixRows = { rowMode: "array" } as const;

/** A time for a BIGINT parameter: ±Infinity (SQLite compares with it) as the furthest safe integer. */
const bound = (ms: number) => Math.min(Math.max(ms, -Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);

/**
 * The Store on PostgreSQL, for several `kayaktrack serve` processes on one database. Every
 * answer comes from the database, so no process holds what another needs. A batch claims its
 * (device, seq) first, so the same batch sent to two processes at once is stored once and both
 * answer with its one acknowledgement; fixes go in with one INSERT … SELECT FROM unnest(…).
 */
export class PgStore implements Store {
  readonly alerts: PgAlertStore;
  private readonly q;
  private closed: Promise<void> | undefined;

  constructor(
    readonly pool: pg.Pool,
    /** the database's URL, for the connection that listens (watchFixes) */
    private readonly url: string,
  ) {
    this.alerts = new PgAlertStore(pool);
    this.q = guardedQuery(pool);
  }

  private async one<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R | undefined> {
    return (await this.q<R>(sql, values)).rows[0];
  }

  private async fixQuery(sql: string, values: unknown[]): Promise<StoredFix[]> {
    const r = await this.q<FixRow>({ text: sql, values, ...fixRows });
    return r.rows.map(toFix);
  }

  async addDevice(name: string) {
    const token = newToken();
    const now = Date.now();
    const r = (await this.one<{ id: number }>("INSERT INTO devices (name, token_hash, created_at) VALUES ($1, $2, $3) RETURNING id", [name, hashToken(token), now]))!;
    const device: Device = { id: r.id, name, createdAt: now, revokedAt: null, lastSeenAt: null, trackerSettings: null, batteryVolts: null };
    return { device, token };
  }

  private async withLatest(rows: DeviceRow[]): Promise<DeviceWithLatest[]> {
    if (rows.length === 0) return [];
    // Each device's newest fix through the (device, time) index, in one round trip.
    const latest = await this.q<FixRow>({
      text: `SELECT f.* FROM unnest($1::bigint[]) AS d(id)
             CROSS JOIN LATERAL (SELECT ${FIX_COLUMNS} FROM fixes WHERE device_id = d.id ORDER BY t_ms DESC LIMIT 1) f`,
      values: [rows.map((r) => r.id)],
      ...fixRows,
    });
    const byDevice = new Map(latest.rows.map((f) => [f[1], toFix(f)]));
    return rows.map((r) => ({ ...toDevice(r), latest: byDevice.get(r.id) ?? null }));
  }

  async listDevices(): Promise<DeviceWithLatest[]> {
    return this.withLatest((await this.q<DeviceRow>("SELECT * FROM devices ORDER BY id")).rows);
  }

  async getDevice(id: number): Promise<DeviceWithLatest | undefined> {
    const r = await this.one<DeviceRow>("SELECT * FROM devices WHERE id = $1", [id]);
    return r && (await this.withLatest([r]))[0];
  }

  async revokeDevice(id: number): Promise<boolean> {
    const r = await this.q("UPDATE devices SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1", [id, Date.now()]);
    return r.rowCount! > 0;
  }

  async setTrackerSettings(id: number, settings: TrackerSettings | null): Promise<boolean> {
    const r = await this.q("UPDATE devices SET tracker_settings = $2 WHERE id = $1", [id, settings && JSON.stringify(settings)]);
    return r.rowCount! > 0;
  }

  async setOwntracksKey(id: number, key: string | null): Promise<boolean> {
    return (await this.q("UPDATE devices SET owntracks_key = $2 WHERE id = $1", [id, key])).rowCount! > 0;
  }

  async owntracksKey(id: number): Promise<string | undefined> {
    return (await this.one<{ k: string | null }>("SELECT owntracks_key AS k FROM devices WHERE id = $1", [id]))?.k ?? undefined;
  }

  async authenticate(id: number, token: string): Promise<Device | undefined> {
    const r = await this.one<DeviceRow>("SELECT * FROM devices WHERE id = $1", [id]);
    // Hash and compare even for an unknown id, so timing says nothing about which ids exist.
    const ok = tokenMatches(token, r ? r.token_hash : Buffer.alloc(32));
    return r && ok && r.revoked_at === null ? toDevice(r) : undefined;
  }

  async deviceForToken(token: string): Promise<Device | undefined> {
    const r = await this.one<DeviceRow>("SELECT * FROM devices WHERE token_hash = $1 AND revoked_at IS NULL", [hashToken(token)]);
    return r && tokenMatches(token, r.token_hash) ? toDevice(r) : undefined;
  }

  async write(requests: WriteRequest[]): Promise<Array<WriteResult | Error>> {
    const rows = await this.writeRows(requests);
    return rows.map((r, i) => (r instanceof Error ? r : toWriteResult(requests[i]!, r)));
  }

  /**
   * Store.write's transaction in one statement, one round trip whatever the number of requests: the
   * database function kayaktrack_write (migration v9) locks the devices' rows, claims the batches,
   * inserts the new fixes, updates batches and devices and sends the notices. The reply comes after
   * COMMIT: nothing uncommitted is acknowledged.
   */
  private async writeRows(requests: WriteRequest[]): Promise<Array<RowResult | Error>> {
    const now = Date.now();
    const fixes: unknown[][] = [];
    requests.forEach((r, i) => {
      for (const f of r.fixes) fixes.push([i, Math.round(f.time * 1000), f.lat, f.lon, f.alt, f.speed, f.course, f.hdop, f.sats, f.accuracy, f.battery]);
    });
    const body = {
      now,
      requests: requests.map((r, i) => ({
        i, d: r.deviceId, src: r.source, seq: r.batch?.seq ?? null, dig: r.batch?.digest ?? null, rej: r.batch?.rejected ?? 0, bat: r.batteryVolts ?? null,
      })),
      fixes,
    };
    const rows = (await this.q<[number, "new" | "replay" | "conflict", number, number, number, string | null]>({
      text: "SELECT * FROM kayaktrack_write($1::jsonb)",
      values: [JSON.stringify(body)],
      ...fixRows,
    })).rows;
    return rows.map(([i, outcome, stored, duplicates, rejected, idList]) => {
      const r = requests[i]!;
      if (outcome === "conflict") return new BatchConflictError(r.deviceId, r.batch!.seq);
      const ids = new Float64Array(r.fixes.length);
      if (outcome === "new" && idList) idList.split(",").forEach((id, j) => (ids[j] = Number(id)));
      const ack: BatchAck | undefined = r.batch && { seq: r.batch.seq, stored, duplicates, rejected };
      return { ids, duplicates: outcome === "new" ? duplicates : 0, replayed: outcome === "replay", ...(ack && { ack }), receivedAt: now };
    });
  }

  fixes(q: FixQuery): Promise<StoredFix[]> {
    let lo = q.from === undefined ? -Number.MAX_SAFE_INTEGER : Math.ceil(q.from * 1000);
    if (q.afterMs !== undefined) lo = Math.max(lo, q.afterMs + 1);
    const hi = q.to === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(q.to * 1000);
    return this.fixQuery(`SELECT ${FIX_COLUMNS} FROM fixes WHERE device_id = $1 AND t_ms >= $2 AND t_ms <= $3 ORDER BY t_ms LIMIT $4`, [q.deviceId, lo, hi, q.limit]);
  }

  async latestBefore(deviceId: number, toMs: number): Promise<StoredFix | undefined> {
    return (await this.fixQuery(`SELECT ${FIX_COLUMNS} FROM fixes WHERE device_id = $1 AND t_ms <= $2 ORDER BY t_ms DESC LIMIT 1`, [deviceId, bound(toMs)]))[0];
  }

  fixesAfterId(afterId: number, deviceId: number | undefined, limit: number): Promise<StoredFix[]> {
    return deviceId === undefined
      ? this.fixQuery(`SELECT ${FIX_COLUMNS} FROM fixes WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit])
      : this.fixQuery(`SELECT ${FIX_COLUMNS} FROM fixes WHERE id > $1 AND device_id = $2 ORDER BY id LIMIT $3`, [afterId, deviceId, limit]);
  }

  async lastFixId(): Promise<number> {
    return (await this.one<{ id: number }>("SELECT coalesce(max(id), 0) AS id FROM fixes"))!.id;
  }

  async takeTripsDirty(deviceId: number): Promise<number | undefined> {
    // Read and clear in one statement: of two processes taking it at once, one gets it.
    const r = await this.one<{ t: number }>(
      `UPDATE devices d SET trips_dirty_from_ms = NULL
       FROM (SELECT id, trips_dirty_from_ms AS t FROM devices WHERE id = $1 AND trips_dirty_from_ms IS NOT NULL FOR UPDATE) old
       WHERE d.id = old.id RETURNING old.t`,
      [deviceId],
    );
    return r?.t;
  }

  async markTripsDirty(deviceId: number, fromMs: number): Promise<void> {
    await this.q("UPDATE devices SET trips_dirty_from_ms = least(coalesce(trips_dirty_from_ms, $2), $2) WHERE id = $1", [deviceId, bound(fromMs)]);
  }

  async tripStartBefore(deviceId: number, ms: number): Promise<number | undefined> {
    return (await this.one<{ t: number }>("SELECT start_ms AS t FROM trips WHERE device_id = $1 AND start_ms <= $2 ORDER BY start_ms DESC LIMIT 1", [deviceId, bound(ms)]))?.t;
  }

  async replaceTrips(deviceId: number, fromMs: number, trips: TripStats[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const keep = trips.map((t) => Math.round(t.start * 1000));
      await client.query("DELETE FROM trips WHERE device_id = $1 AND start_ms >= $2 AND NOT (start_ms = ANY($3::bigint[]))", [deviceId, bound(fromMs), keep]);
      for (const t of trips) {
        await client.query(
          `INSERT INTO trips (device_id, start_ms, end_ms, fixes, distance_m, moving_s, moving_speed, max_speed, min_alt, max_alt, west, south, east, north)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           ON CONFLICT (device_id, start_ms) DO UPDATE SET end_ms = excluded.end_ms, fixes = excluded.fixes,
             distance_m = excluded.distance_m, moving_s = excluded.moving_s, moving_speed = excluded.moving_speed,
             max_speed = excluded.max_speed, min_alt = excluded.min_alt, max_alt = excluded.max_alt,
             west = excluded.west, south = excluded.south, east = excluded.east, north = excluded.north`,
          [deviceId, Math.round(t.start * 1000), Math.round(t.end * 1000), t.fixes, t.distanceM, t.movingS, t.avgMovingSpeed, t.maxSpeed, t.minAlt, t.maxAlt, ...t.bbox],
        );
      }
    });
  }

  async trips(deviceId: number): Promise<Trip[]> {
    return (await this.q<TripRow>("SELECT * FROM trips WHERE device_id = $1 ORDER BY start_ms", [deviceId])).rows.map(toTrip);
  }

  async trip(id: number): Promise<Trip | undefined> {
    const r = await this.one<TripRow>("SELECT * FROM trips WHERE id = $1", [id]);
    return r && toTrip(r);
  }

  async addShare(n: NewShare): Promise<{ share: Share; token: string }> {
    const token = newToken();
    const r = (await this.one<ShareRow>(
      "INSERT INTO shares (token_hash, device_id, trip_id, trip_start_ms, delay_s, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *",
      [hashToken(token), n.deviceId, n.tripId, n.tripStartMs, n.delayS, Date.now(), n.expiresAt],
    ))!;
    return { share: toShare(r), token };
  }

  async shares(): Promise<Share[]> {
    return (await this.q<ShareRow>("SELECT * FROM shares ORDER BY id")).rows.map(toShare);
  }

  async shareForToken(token: string): Promise<Share | undefined> {
    const r = await this.one<ShareRow>("SELECT * FROM shares WHERE token_hash = $1", [hashToken(token)]);
    return r && tokenMatches(token, r.token_hash) ? toShare(r) : undefined;
  }

  async revokeShare(id: number): Promise<boolean> {
    return (await this.q("UPDATE shares SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1", [id, Date.now()])).rowCount! > 0;
  }

  async getSetting(key: string): Promise<string | undefined> {
    return (await this.one<{ value: string }>("SELECT value FROM settings WHERE key = $1", [key]))?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.q("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value]);
  }

  watchFixes(wants: (deviceId: number) => boolean, listener: (fixes: StoredFix[]) => void, onError: (err: Error) => void): () => Promise<void> {
    let stopped = false;
    let client: pg.Client | undefined;
    let timer: NodeJS.Timeout | undefined;
    /** ids noticed and not yet read, of devices someone here watches */
    let pending: number[] = [];
    let reading: Promise<void> | undefined;
    // One reader, which takes every id noticed meanwhile in one query (a query a notice fell behind a
    // busy database's commits). Ids in order: one device's grow in the order its writes committed.
    const read = async () => {
      while (pending.length > 0 && !stopped) {
        const ids = pending.splice(0, 10_000);
        try {
          listener(await this.fixQuery(`SELECT ${FIX_COLUMNS} FROM fixes WHERE id = ANY($1::bigint[]) ORDER BY id`, [ids]));
        } catch (e) {
          onError(e as Error);
        }
      }
      reading = undefined;
    };
    const again = () => {
      client = undefined;
      if (!stopped && !timer) timer = setTimeout(() => void listen(), 1000);
    };
    const listen = async () => {
      timer = undefined;
      const c = new pg.Client({ connectionString: this.url });
      c.on("notification", (n) => {
        if (n.channel !== FIXES_CHANNEL || !n.payload) return;
        const { deviceId, ids } = readNotice(n.payload);
        // Nobody here watches that device: nothing to read.
        if (!wants(deviceId)) return;
        for (const id of ids) pending.push(id);
        reading ??= read();
      });
      // A lost connection: listen again once it comes back (what was committed meanwhile, streams read by Last-Event-ID).
      c.on("error", (err) => {
        onError(err);
        c.end().catch(() => {});
      });
      c.on("end", again);
      try {
        await c.connect();
        await c.query(`LISTEN ${FIXES_CHANNEL}`);
        if (stopped) await c.end();
        else client = c;
      } catch (e) {
        onError(e as Error);
        await c.end().catch(() => {});
        again();
      }
    };
    void listen();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      pending = [];
      await client?.end().catch(() => {});
      await reading;
    };
  }

  sharedRateLimit(ratePerSec: number, burst: number): PgRateLimiter {
    return new PgRateLimiter(this.pool, ratePerSec, burst);
  }

  async check(): Promise<void> {
    await this.q("SELECT 1");
  }

  close(): Promise<void> {
    return (this.closed ??= this.pool.end());
  }
}
