import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { FixSource, StoredFix } from "../../fix.ts";
import { hashToken, newToken, tokenMatches } from "../../tokens.ts";
import {
  BatchConflictError,
  type BatchAck,
  type NewShare,
  type Share,
  type Device,
  type TrackerSettings,
  type DeviceWithLatest,
  type FixQuery,
  type Store,
  type WriteRequest,
  type WriteResult,
} from "../store.ts";
import type { Trip, TripStats } from "../../trips/trip.ts";
import { migrations } from "./migrations.ts";
import { toWriteResult, type RowResult } from "../write-result.ts";
import { FIX_COLUMNS, toDevice, toFix, toShare, toTrip, type DeviceRow, type FixRow, type ShareRow, type TripRow } from "../rows.ts";
import { SqliteAlertStore } from "./sqlite-alert-store.ts";

export interface SqliteStoreOptions {
  /**
   * FULL (default) syncs the WAL at every commit, so an acknowledged fix also
   * survives a power cut of the server; NORMAL survives only a process crash.
   */
  synchronous?: "FULL" | "NORMAL";
}

/** Opens (creating the directory and the file if needed) and migrates a database. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
  db.pragma("foreign_keys = ON");
  // The CLI may add a device while the server writes: wait instead of failing.
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return new SqliteStore(db);
}

function migrate(db: Database.Database): void {
  // The version is read inside the write transaction: two processes (the server and the
  // command line, say) opening a new database at once must not both run the same step.
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > migrations.length) {
      throw new Error(
        `database schema version ${version} is newer than this program knows (${migrations.length}); upgrade kayaktrack`,
      );
    }
    for (let v = version; v < migrations.length; v++) {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}

export class SqliteStore implements Store {
  private readonly s;
  readonly alerts: SqliteAlertStore;

  constructor(private readonly db: Database.Database) {
    this.alerts = new SqliteAlertStore(db);
    this.s = {
      addDevice: db.prepare("INSERT INTO devices (name, token_hash, created_at) VALUES (?, ?, ?)"),
      devices: db.prepare<[], DeviceRow>("SELECT * FROM devices ORDER BY id"),
      device: db.prepare<[number], DeviceRow>("SELECT * FROM devices WHERE id = ?"),
      deviceByHash: db.prepare<[Buffer], DeviceRow>(
        "SELECT * FROM devices WHERE token_hash = ? AND revoked_at IS NULL",
      ),
      revoke: db.prepare("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
      setTrackerSettings: db.prepare("UPDATE devices SET tracker_settings = ? WHERE id = ?"),
      setOwntracksKey: db.prepare("UPDATE devices SET owntracks_key = ? WHERE id = ?"),
      owntracksKey: db.prepare<[number], { owntracks_key: string | null }>("SELECT owntracks_key FROM devices WHERE id = ?"),
      seen: db.prepare("UPDATE devices SET last_seen_at = ? WHERE id = ?"),
      battery: db.prepare("UPDATE devices SET battery_volts = ? WHERE id = ?"),
      seenDirty: db.prepare(
        "UPDATE devices SET last_seen_at = ?, trips_dirty_from_ms = min(coalesce(trips_dirty_from_ms, ?), ?) WHERE id = ?",
      ),
      dirty: db.prepare<[number], { t: number | null }>("SELECT trips_dirty_from_ms AS t FROM devices WHERE id = ?"),
      clearDirty: db.prepare("UPDATE devices SET trips_dirty_from_ms = NULL WHERE id = ?"),
      markDirty: db.prepare(
        "UPDATE devices SET trips_dirty_from_ms = min(coalesce(trips_dirty_from_ms, ?), ?) WHERE id = ?",
      ),
      tripStartBefore: db.prepare<[number, number], { t: number }>(
        "SELECT start_ms AS t FROM trips WHERE device_id = ? AND start_ms <= ? ORDER BY start_ms DESC LIMIT 1",
      ),
      tripsFrom: db.prepare<[number, number], { id: number; start_ms: number }>(
        "SELECT id, start_ms FROM trips WHERE device_id = ? AND start_ms >= ?",
      ),
      deleteTrip: db.prepare("DELETE FROM trips WHERE id = ?"),
      upsertTrip: db.prepare(
        `INSERT INTO trips (device_id, start_ms, end_ms, fixes, distance_m, moving_s, moving_speed, max_speed, min_alt, max_alt, west, south, east, north)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id, start_ms) DO UPDATE SET end_ms = excluded.end_ms, fixes = excluded.fixes,
           distance_m = excluded.distance_m, moving_s = excluded.moving_s, moving_speed = excluded.moving_speed,
           max_speed = excluded.max_speed, min_alt = excluded.min_alt, max_alt = excluded.max_alt,
           west = excluded.west, south = excluded.south, east = excluded.east, north = excluded.north`,
      ),
      addShare: db.prepare(
        "INSERT INTO shares (token_hash, device_id, trip_id, trip_start_ms, delay_s, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      shares: db.prepare<[], ShareRow>("SELECT * FROM shares ORDER BY id"),
      share: db.prepare<[number], ShareRow>("SELECT * FROM shares WHERE id = ?"),
      shareByHash: db.prepare<[Buffer], ShareRow>("SELECT * FROM shares WHERE token_hash = ?"),
      revokeShare: db.prepare("UPDATE shares SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
      trips: db.prepare<[number], TripRow>("SELECT * FROM trips WHERE device_id = ? ORDER BY start_ms"),
      trip: db.prepare<[number], TripRow>("SELECT * FROM trips WHERE id = ?"),
      latestBefore: db
        .prepare<[number, number], FixRow>(`SELECT ${FIX_COLUMNS} FROM fixes WHERE device_id = ? AND t_ms <= ? ORDER BY t_ms DESC LIMIT 1`)
        .raw(true),
      latest: db
        .prepare<[number], FixRow>(`SELECT ${FIX_COLUMNS} FROM fixes WHERE device_id = ? ORDER BY t_ms DESC LIMIT 1`)
        .raw(true),
      insertFix: db.prepare(
        `INSERT INTO fixes (device_id, t_ms, lat, lon, alt, speed, course, hdop, sats, accuracy, battery, source, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id, t_ms) DO NOTHING`,
      ),
      batch: db.prepare<[number, number], { digest: string; stored: number; duplicates: number; rejected: number }>(
        "SELECT digest, stored, duplicates, rejected FROM batches WHERE device_id = ? AND seq = ?",
      ),
      insertBatch: db.prepare(
        "INSERT INTO batches (device_id, seq, digest, stored, duplicates, rejected, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      fixes: db
        .prepare<[number, number, number, number], FixRow>(
          `SELECT ${FIX_COLUMNS} FROM fixes WHERE device_id = ? AND t_ms >= ? AND t_ms <= ? ORDER BY t_ms LIMIT ?`,
        )
        .raw(true),
      lastFixId: db.prepare<[], number>("SELECT coalesce(max(id), 0) FROM fixes").pluck(),
      afterId: db.prepare<[number, number], FixRow>(`SELECT ${FIX_COLUMNS} FROM fixes WHERE id > ? ORDER BY id LIMIT ?`).raw(true),
      afterIdForDevice: db
        // By id, not the (device, time) index (`+` keeps SQLite off it): what came after an id costs what came, not the device's history.
        .prepare<[number, number, number], FixRow>(`SELECT ${FIX_COLUMNS} FROM fixes WHERE id > ? AND +device_id = ? ORDER BY id LIMIT ?`)
        .raw(true),
      getSetting: db.prepare<[string], { value: string }>("SELECT value FROM settings WHERE key = ?"),
      setSetting: db.prepare(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ),
    };
  }

  addDevice(name: string) {
    const token = newToken();
    const now = Date.now();
    const info = this.s.addDevice.run(name, hashToken(token), now);
    const device: Device = { id: Number(info.lastInsertRowid), name, createdAt: now, revokedAt: null, lastSeenAt: null, trackerSettings: null, batteryVolts: null };
    return { device, token };
  }

  private withLatest(r: DeviceRow): DeviceWithLatest {
    const latest = this.s.latest.get(r.id);
    return { ...toDevice(r), latest: latest ? toFix(latest) : null };
  }

  listDevices(): DeviceWithLatest[] {
    return this.s.devices.all().map((r) => this.withLatest(r));
  }

  getDevice(id: number): DeviceWithLatest | undefined {
    const r = this.s.device.get(id);
    return r && this.withLatest(r);
  }

  revokeDevice(id: number): boolean {
    if (!this.s.device.get(id)) return false;
    this.s.revoke.run(Date.now(), id);
    return true;
  }

  setTrackerSettings(id: number, settings: TrackerSettings | null): boolean {
    return this.s.setTrackerSettings.run(settings && JSON.stringify(settings), id).changes > 0;
  }

  setOwntracksKey(id: number, key: string | null): boolean {
    return this.s.setOwntracksKey.run(key, id).changes > 0;
  }

  owntracksKey(id: number): string | undefined {
    return this.s.owntracksKey.get(id)?.owntracks_key ?? undefined;
  }

  authenticate(id: number, token: string): Device | undefined {
    const r = this.s.device.get(id);
    // Hash and compare even for an unknown id, so timing says nothing about which ids exist.
    const ok = tokenMatches(token, r ? r.token_hash : Buffer.alloc(32));
    return r && ok && r.revoked_at === null ? toDevice(r) : undefined;
  }

  deviceForToken(token: string): Device | undefined {
    const r = this.s.deviceByHash.get(hashToken(token));
    return r && tokenMatches(token, r.token_hash) ? toDevice(r) : undefined;
  }

  write(requests: WriteRequest[]): Array<WriteResult | Error> {
    return this.writeRows(requests).map((r, i) => (r instanceof Error ? r : toWriteResult(requests[i]!, r)));
  }

  /** Store.write, answering with row ids instead of stored fixes (for the writer thread). */
  writeRows(requests: WriteRequest[]): Array<RowResult | Error> {
    const now = Date.now();
    return this.db.transaction(() =>
      requests.map((req) => {
        // A batch conflict is found before its request writes anything, so it fails
        // alone. Any other error aborts the whole transaction: nothing of the group
        // is stored and every caller is told to retry. (No savepoint per request:
        // they cost a sixth of the insert rate.)
        try {
          return this.writeOne(req, now);
        } catch (e) {
          if (e instanceof BatchConflictError) return e;
          throw e;
        }
      }),
    ).immediate();
  }

  private writeOne(req: WriteRequest, now: number): RowResult {
    const { deviceId, batch } = req;
    const ids = new Float64Array(req.fixes.length);
    /** a batch stored before: its first acknowledgement */
    let replay: BatchAck | undefined;
    if (batch) {
      const prior = this.s.batch.get(deviceId, batch.seq);
      if (prior && prior.digest !== batch.digest) throw new BatchConflictError(deviceId, batch.seq);
      if (prior) replay = { seq: batch.seq, stored: prior.stored, duplicates: prior.duplicates, rejected: prior.rejected };
    }
    // Past the conflict check the device was heard from: a batch sent again after
    // the tracker restarted carries a fresh battery reading too.
    if (req.batteryVolts != null) this.s.battery.run(req.batteryVolts, deviceId);
    if (replay) {
      this.s.seen.run(now, deviceId);
      return { ids, duplicates: 0, replayed: true, ack: replay, receivedAt: now };
    }
    let duplicates = 0;
    let earliest = Infinity;
    req.fixes.forEach((f, i) => {
      const tMs = Math.round(f.time * 1000);
      const info = this.s.insertFix.run(
        deviceId, tMs, f.lat, f.lon, f.alt, f.speed, f.course, f.hdop, f.sats, f.accuracy, f.battery, req.source, now,
      );
      if (info.changes === 0) duplicates++;
      else {
        ids[i] = Number(info.lastInsertRowid);
        earliest = Math.min(earliest, tMs);
      }
    });
    // New fixes put the device's trips out of date from the earliest of them on.
    if (earliest < Infinity) this.s.seenDirty.run(now, earliest, earliest, deviceId);
    else this.s.seen.run(now, deviceId);
    const result: RowResult = { ids, duplicates, replayed: false, receivedAt: now };
    if (batch) {
      const stored = req.fixes.length - duplicates;
      this.s.insertBatch.run(deviceId, batch.seq, batch.digest, stored, duplicates, batch.rejected, now);
      result.ack = { seq: batch.seq, stored, duplicates, rejected: batch.rejected };
    }
    return result;
  }

  fixes(q: FixQuery): StoredFix[] {
    let lo = q.from === undefined ? -Number.MAX_SAFE_INTEGER : Math.ceil(q.from * 1000);
    if (q.afterMs !== undefined) lo = Math.max(lo, q.afterMs + 1);
    const hi = q.to === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(q.to * 1000);
    return this.s.fixes.all(q.deviceId, lo, hi, q.limit).map(toFix);
  }

  latestBefore(deviceId: number, toMs: number): StoredFix | undefined {
    const r = this.s.latestBefore.get(deviceId, toMs);
    return r && toFix(r);
  }

  fixesAfterId(afterId: number, deviceId: number | undefined, limit: number): StoredFix[] {
    const rows =
      deviceId === undefined
        ? this.s.afterId.all(afterId, limit)
        : this.s.afterIdForDevice.all(afterId, deviceId, limit);
    return rows.map(toFix);
  }

  lastFixId(): number {
    return this.s.lastFixId.get()!;
  }

  takeTripsDirty(deviceId: number): number | undefined {
    // Read first: most reads of trips find nothing to do, and a write transaction here waits for the
    // writer thread's commit, holding the HTTP thread (share views made the trackers wait this way).
    if ((this.s.dirty.get(deviceId)?.t ?? undefined) === undefined) return undefined;
    return this.db.transaction(() => {
      const t = this.s.dirty.get(deviceId)?.t ?? undefined;
      if (t !== undefined) this.s.clearDirty.run(deviceId);
      return t;
    }).immediate();
  }

  markTripsDirty(deviceId: number, fromMs: number): void {
    this.s.markDirty.run(fromMs, fromMs, deviceId);
  }

  tripStartBefore(deviceId: number, ms: number): number | undefined {
    return this.s.tripStartBefore.get(deviceId, ms)?.t;
  }

  replaceTrips(deviceId: number, fromMs: number, trips: TripStats[]): void {
    this.db.transaction(() => {
      const keep = new Set(trips.map((t) => Math.round(t.start * 1000)));
      for (const old of this.s.tripsFrom.all(deviceId, fromMs)) if (!keep.has(old.start_ms)) this.s.deleteTrip.run(old.id);
      for (const t of trips) {
        this.s.upsertTrip.run(
          deviceId, Math.round(t.start * 1000), Math.round(t.end * 1000), t.fixes, t.distanceM, t.movingS, t.avgMovingSpeed,
          t.maxSpeed, t.minAlt, t.maxAlt, ...t.bbox,
        );
      }
    }).immediate();
  }

  trips(deviceId: number): Trip[] {
    return this.s.trips.all(deviceId).map(toTrip);
  }

  trip(id: number): Trip | undefined {
    const r = this.s.trip.get(id);
    return r && toTrip(r);
  }

  addShare(n: NewShare): { share: Share; token: string } {
    const token = newToken();
    const now = Date.now();
    const info = this.s.addShare.run(hashToken(token), n.deviceId, n.tripId, n.tripStartMs, n.delayS, now, n.expiresAt);
    return { share: toShare(this.s.share.get(Number(info.lastInsertRowid))!), token };
  }

  shares(): Share[] {
    return this.s.shares.all().map(toShare);
  }

  shareForToken(token: string): Share | undefined {
    const r = this.s.shareByHash.get(hashToken(token));
    return r && tokenMatches(token, r.token_hash) ? toShare(r) : undefined;
  }

  revokeShare(id: number): boolean {
    if (!this.s.share.get(id)) return false;
    this.s.revokeShare.run(Date.now(), id);
    return true;
  }

  getSetting(key: string): string | undefined {
    return this.s.getSetting.get(key)?.value;
  }

  setSetting(key: string, value: string): void {
    this.s.setSetting.run(key, value);
  }

  check(): void {
    this.db.prepare("SELECT count(*) FROM devices").get();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
