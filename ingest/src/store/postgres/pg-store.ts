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

/** The channel a commit of new fixes is announced on (NOTIFY): "DEVICE:FIRST-LAST,…", the ids as ranges. */
export const FIXES_CHANNEL = "kayaktrack_fixes";

/** A NOTIFY payload is at most 8,000 bytes: longer lists of ranges go in several. */
const NOTICE_CHARS = 7000;

/** The notices of one request's new fixes: its device and their ids as ranges (ids 0 are duplicates). */
export function notices(deviceId: number, ids: ArrayLike<number>): string[] {
  const ranges: string[] = [];
  let first = 0;
  let last = 0;
  const flush = () => first && ranges.push(first === last ? String(first) : `${first}-${last}`);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === 0) continue;
    if (first && id === last + 1) last = id;
    else {
      flush();
      first = last = id;
    }
  }
  flush();
  const out: string[] = [];
  let text = "";
  for (const r of ranges) {
    if (text && text.length + r.length + 1 > NOTICE_CHARS) {
      out.push(`${deviceId}:${text}`);
      text = "";
    }
    text += (text ? "," : "") + r;
  }
  if (text) out.push(`${deviceId}:${text}`);
  return out;
}

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
   * Store.write's transaction, in a few statements whatever the number of requests (each a round
   * trip): the devices' rows locked, the batches claimed, every new fix inserted, the devices and
   * batches updated, the notices sent. The reply comes after COMMIT: nothing uncommitted is acknowledged.
   */
  private async writeRows(requests: WriteRequest[]): Promise<Array<RowResult | Error>> {
    const now = Date.now();
    return inTransaction(this.pool, async (client) => {
      // The devices' rows first, in id order (no two transactions wait on each other's): one device's
      // writes take turns across processes, so its fix ids grow in the order they commit, and a live
      // stream resumed after an id misses nothing of that device.
      const devices = [...new Set(requests.map((r) => r.deviceId))].sort((x, y) => x - y);
      await client.query("SELECT 1 FROM devices WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE", [devices]);
      const results = new Array<RowResult | Error | undefined>(requests.length);
      const key = (r: WriteRequest) => `${r.deviceId}:${r.batch!.seq}`;
      const ids = requests.map((r) => new Float64Array(r.fixes.length));

      // Each batch claims its (device, seq) first. A process writing the same batch at this moment holds
      // the row until it commits: the claim waits for it, then finds the row and answers with its ack.
      const first = new Map<string, number>();
      requests.forEach((r, i) => r.batch && !first.has(key(r)) && first.set(key(r), i));
      const claims = [...first.values()];
      /** what each (device, seq) holds once this transaction is done: its digest and acknowledgement */
      const held = new Map<string, { digest: string; ack: BatchAck }>();
      if (claims.length > 0) {
        const col = <T>(f: (r: WriteRequest) => T) => claims.map((i) => f(requests[i]!));
        const got = await client.query<[number, number]>({
          text: `INSERT INTO batches (device_id, seq, digest, stored, duplicates, rejected, received_at)
                 SELECT d, s, g, 0, 0, r, $5 FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::int[]) AS t(d, s, g, r)
                 ON CONFLICT DO NOTHING RETURNING device_id, seq`,
          values: [col((r) => r.deviceId), col((r) => r.batch!.seq), col((r) => r.batch!.digest), col((r) => r.batch!.rejected), now],
          ...fixRows,
        });
        const mine = new Set(got.rows.map(([d, q]) => `${d}:${q}`));
        const lost = claims.filter((i) => !mine.has(key(requests[i]!)));
        if (lost.length > 0) {
          const prior = await client.query<[number, number, string, number, number, number]>({
            text: `SELECT device_id, seq, digest, stored, duplicates, rejected FROM batches
                   WHERE (device_id, seq) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))`,
            values: [lost.map((i) => requests[i]!.deviceId), lost.map((i) => requests[i]!.batch!.seq)],
            ...fixRows,
          });
          for (const [d, q, digest, stored, duplicates, rejected] of prior.rows) held.set(`${d}:${q}`, { digest, ack: { seq: q, stored, duplicates, rejected } });
        }
      }
      // A batch stored before (by an earlier transaction, or earlier in this group) is a replay or a conflict.
      const settle = (i: number) => {
        const r = requests[i]!;
        const h = held.get(key(r))!;
        results[i] = h.digest !== r.batch!.digest
          ? new BatchConflictError(r.deviceId, r.batch!.seq)
          : { ids: ids[i]!, duplicates: 0, replayed: true, ack: h.ack, receivedAt: now };
      };
      for (const i of claims) if (held.has(key(requests[i]!))) settle(i);

      // Every new fix in one statement; the first fix of a (device, time) is the one stored, as in SQLite.
      const fresh = requests.flatMap((r, i) => (results[i] === undefined && (!r.batch || first.get(key(r)) === i) ? [i] : []));
      const rows = { d: [] as number[], t: [] as number[], lat: [] as number[], lon: [] as number[], alt: [] as Array<number | null>, speed: [] as Array<number | null>, course: [] as Array<number | null>, hdop: [] as Array<number | null>, sats: [] as Array<number | null>, accuracy: [] as Array<number | null>, battery: [] as Array<number | null>, source: [] as string[] };
      for (const i of fresh) {
        const r = requests[i]!;
        for (const f of r.fixes) {
          rows.d.push(r.deviceId);
          rows.t.push(Math.round(f.time * 1000));
          rows.lat.push(f.lat);
          rows.lon.push(f.lon);
          rows.alt.push(f.alt);
          rows.speed.push(f.speed);
          rows.course.push(f.course);
          rows.hdop.push(f.hdop);
          rows.sats.push(f.sats);
          rows.accuracy.push(f.accuracy);
          rows.battery.push(f.battery);
          rows.source.push(r.source);
        }
      }
      const inserted = rows.d.length === 0 ? [] : (await client.query<[number, number, number]>({
        text: `INSERT INTO fixes (device_id, t_ms, lat, lon, alt, speed, course, hdop, sats, accuracy, battery, source, received_at)
               SELECT *, $13::bigint FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::int[], $10::float8[], $11::float8[], $12::text[])
               ON CONFLICT (device_id, t_ms) DO NOTHING RETURNING id, device_id, t_ms`,
        values: [rows.d, rows.t, rows.lat, rows.lon, rows.alt, rows.speed, rows.course, rows.hdop, rows.sats, rows.accuracy, rows.battery, rows.source, now],
        ...fixRows,
      })).rows;
      const idOf = new Map(inserted.map(([id, d, t]) => [`${d}:${t}`, id]));
      /** each device's earliest new fix: its trips are out of date from there */
      const earliest = new Map<number, number>();
      for (const i of fresh) {
        const r = requests[i]!;
        let duplicates = 0;
        r.fixes.forEach((f, j) => {
          const t = Math.round(f.time * 1000);
          const k = `${r.deviceId}:${t}`;
          const id = idOf.get(k);
          if (id === undefined) duplicates++;
          else {
            ids[i]![j] = id;
            idOf.delete(k);
            earliest.set(r.deviceId, Math.min(earliest.get(r.deviceId) ?? Infinity, t));
          }
        });
        const result: RowResult = { ids: ids[i]!, duplicates, replayed: false, receivedAt: now };
        if (r.batch) {
          result.ack = { seq: r.batch.seq, stored: r.fixes.length - duplicates, duplicates, rejected: r.batch.rejected };
          held.set(key(r), { digest: r.batch.digest, ack: result.ack });
        }
        results[i] = result;
      }
      // The same batch again later in this group.
      requests.forEach((_, i) => results[i] === undefined && settle(i));

      const acks = fresh.filter((i) => requests[i]!.batch);
      if (acks.length > 0) {
        const col = <T>(f: (i: number) => T) => acks.map(f);
        await client.query(
          `UPDATE batches b SET stored = u.s, duplicates = u.dup FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[]) AS u(d, q, s, dup)
           WHERE b.device_id = u.d AND b.seq = u.q`,
          [col((i) => requests[i]!.deviceId), col((i) => requests[i]!.batch!.seq), col((i) => (results[i] as RowResult).ack!.stored), col((i) => (results[i] as RowResult).ack!.duplicates)],
        );
      }
      // The devices heard from (a conflict is not heard): seen now, the battery of the last request that
      // carried one (a resend after a restart brings a fresh reading too), trips out of date from the earliest new fix.
      const battery = new Map<number, number>();
      const heard = new Set<number>();
      requests.forEach((r, i) => {
        if (results[i] instanceof Error) return;
        heard.add(r.deviceId);
        if (r.batteryVolts != null) battery.set(r.deviceId, r.batteryVolts);
      });
      if (heard.size > 0) {
        const list = [...heard];
        await client.query(
          `UPDATE devices d SET last_seen_at = $1, battery_volts = coalesce(u.b, d.battery_volts),
             trips_dirty_from_ms = CASE WHEN u.e IS NULL THEN d.trips_dirty_from_ms ELSE least(coalesce(d.trips_dirty_from_ms, u.e), u.e) END
           FROM unnest($2::bigint[], $3::float8[], $4::bigint[]) AS u(id, b, e) WHERE d.id = u.id`,
          [now, list, list.map((d) => battery.get(d) ?? null), list.map((d) => earliest.get(d) ?? null)],
        );
      }
      // Delivered at COMMIT to every process listening (watchFixes), which reads the fixes by id.
      const payloads = fresh.flatMap((i) => notices(requests[i]!.deviceId, ids[i]!));
      if (payloads.length > 0) await client.query("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", [FIXES_CHANNEL, payloads]);
      return results as Array<RowResult | Error>;
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

  watchFixes(listener: (fixes: StoredFix[]) => void, onError: (err: Error) => void): () => Promise<void> {
    let stopped = false;
    let client: pg.Client | undefined;
    let timer: NodeJS.Timeout | undefined;
    // Read in the order the notices came (the order of the commits), one at a time.
    let reading = Promise.resolve();
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
        reading = reading
          .then(() => this.fixQuery(`SELECT ${FIX_COLUMNS} FROM fixes WHERE device_id = $1 AND id = ANY($2::bigint[]) ORDER BY id`, [deviceId, ids]))
          .then(listener, onError);
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
