import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { describeAlertStoreContract } from "../../alerts/alert-store.contract.ts";
import { describeStoreContract, fixAt } from "../store.contract.ts";
import { migrations } from "./migrations.ts";
import { openSqliteStore } from "./sqlite-store.ts";

describeStoreContract("sqlite (memory)", () => openSqliteStore(":memory:"));
describeAlertStoreContract("sqlite (memory)", () => openSqliteStore(":memory:"));

describe("sqlite store on disk", () => {
  const dir = mkdtempSync(join(tmpdir(), "kt-store-"));

  it("creates the data directory, uses WAL and migrates to the newest schema", () => {
    const path = join(dir, "nested", "deeper", "kt.db");
    const store = openSqliteStore(path);
    const { device } = store.addDevice("a");
    store.write([{ deviceId: device.id, source: "osmand", fixes: [fixAt(1_700_000_000)] }]);
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(migrations.length);
    db.close();
    // Opening again runs no migration twice and keeps the data.
    const again = openSqliteStore(path);
    expect(again.fixes({ deviceId: device.id, limit: 10 })).toHaveLength(1);
    again.close();
  });

  it("migrates trips to ids never given again, past every id a trip or a share had", () => {
    // A database of schema 5: trips 1 and 2 of which 2 was merged away, a share of trip 3 (deleted since).
    const path = join(dir, "v5.db");
    const db = new Database(path);
    for (const step of migrations.slice(0, 5)) db.exec(step);
    db.pragma("user_version = 5");
    db.prepare("INSERT INTO devices (id, name, token_hash, created_at) VALUES (1, 'a', x'01', 0)").run();
    const trip = db.prepare("INSERT INTO trips (id, device_id, start_ms, end_ms, fixes, distance_m, moving_s, west, south, east, north) VALUES (?, 1, ?, ?, 2, 100, 10, 10, 59, 11, 60)");
    trip.run(1, 1_000, 2_000);
    db.prepare("INSERT INTO shares (token_hash, device_id, trip_id, trip_start_ms, created_at) VALUES (x'02', 1, 3, 5000, 0)").run();
    db.close();
    const store = openSqliteStore(path);
    expect(store.trip(1)).toMatchObject({ deviceId: 1, start: 1 });
    store.replaceTrips(1, 9_000, [{ fixes: 2, start: 10, end: 11, distanceM: 1, durationS: 1, movingS: 1, avgMovingSpeed: 1, maxSpeed: 1, minAlt: null, maxAlt: null, bbox: [10, 59, 11, 60] }]);
    expect(store.trips(1).map((t) => t.id)).toEqual([1, 4]);
    store.close();
  });

  it("refuses a database from a newer version", () => {
    const path = join(dir, "future.db");
    const db = new Database(path);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openSqliteStore(path)).toThrow(/newer than this program knows/);
  });
});
