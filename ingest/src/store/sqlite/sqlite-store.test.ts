import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { describeStoreContract, fixAt } from "../store.contract.ts";
import { migrations } from "./migrations.ts";
import { openSqliteStore } from "./sqlite-store.ts";

describeStoreContract("sqlite (memory)", () => openSqliteStore(":memory:"));

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

  it("refuses a database from a newer version", () => {
    const path = join(dir, "future.db");
    const db = new Database(path);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openSqliteStore(path)).toThrow(/newer than this program knows/);
  });
});
