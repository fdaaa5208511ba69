import { copySqliteToPostgres, openPgStore, openSqliteStore, refreshTrips, type Store } from "@kayaktrack/ingest";
import { freshDatabase, PG_SKIPPED, TEST_PG } from "@kayaktrack/ingest/pg-test-db";
import { describe, expect, it } from "vitest";
import { removeTempDb, runCli, tempDb } from "../server-process.ts";

const T0 = 1_780_000_000;

/** Everything a store can answer about its data, to compare two stores. */
async function contents(store: Store, tokens: { device: string; share: string }) {
  const devices = await store.listDevices();
  const perDevice = await Promise.all(devices.map(async (d) => ({
    fixes: await store.fixes({ deviceId: d.id, limit: 1_000_000 }),
    trips: await store.trips(d.id),
    contacts: await store.alerts.contacts(d.id),
    rules: await store.alerts.rules(d.id),
    alerts: await Promise.all((await store.alerts.alerts(d.id, 100)).map(async (a) => ({ ...a, deliveries: await store.alerts.deliveries(a.id) }))),
  })));
  return {
    devices, perDevice,
    shares: await store.shares(),
    setting: await store.getSetting("trip_options"),
    owntracksKey: await store.owntracksKey(devices[0]!.id),
    authenticated: (await store.deviceForToken(tokens.device))?.id,
    shared: (await store.shareForToken(tokens.share))?.id,
  };
}

describe("kayaktrack copy", () => {
  it.skipIf(!TEST_PG)(`copies everything into PostgreSQL with its ids, goes on after an interruption, and adds nothing the second time${PG_SKIPPED}`, async () => {
    const path = tempDb("kt-copy-");
    const db = await freshDatabase();
    try {
      // A SQLite database with a bit of everything: two devices, 12,000 fixes in batches, trips, a share, alerts.
      const sqlite = openSqliteStore(path);
      const { device, token } = sqlite.addDevice("Kari's kayak");
      const other = sqlite.addDevice("canoe").device;
      sqlite.setOwntracksKey(device.id, "secret");
      for (let b = 0; b < 12; b++) {
        const fixes = Array.from({ length: 1000 }, (_, i) => ({ time: T0 + b * 1000 + i, lat: 59.9 + i * 1e-5, lon: 10.7 + b * 1e-3, alt: null, speed: 1.2, course: 90, hdop: 0.9, sats: 8, accuracy: null, battery: null }));
        sqlite.write([{ deviceId: b % 3 ? device.id : other.id, source: "batch", fixes, batch: { seq: b + 1, digest: `d${b}`, rejected: 0 }, batteryVolts: 3.9 }]);
      }
      await refreshTrips(sqlite, device.id);
      const share = sqlite.addShare({ deviceId: device.id, tripId: null, tripStartMs: null, delayS: 600, expiresAt: null });
      sqlite.setSetting("trip_options", JSON.stringify({ gapS: 900 }));
      sqlite.alerts.addContact({ deviceId: device.id, kind: "webhook", target: "http://127.0.0.1:9/hook", name: "home" });
      sqlite.alerts.setRules(device.id, { overdueMin: 45, returnBy: null, route: null, stillMin: 15, stillRadiusM: 50, area: null });
      const sos = sqlite.alerts.raise({ deviceId: device.id, kind: "sos", source: "tracker", atMs: T0 * 1000, lat: 59.9, lon: 10.7, fixTime: T0, detail: null })!;
      sqlite.alerts.clear(device.id, "sos", T0 * 1000 + 60_000);
      const tokens = { device: token, share: share.token };
      const want = await contents(sqlite, tokens);
      sqlite.close();

      // Interrupted after the first page of fixes, then run again: it goes on.
      let pages = 0;
      await expect(copySqliteToPostgres(path, db.url, (p) => {
        if (p.table === "fixes" && p.done > 0 && ++pages === 1) throw new Error("the power went");
      })).rejects.toThrow("the power went");
      const resumed = await copySqliteToPostgres(path, db.url);
      expect(resumed.find((r) => r.table === "fixes")).toMatchObject({ rows: 12_000 });
      expect(resumed.find((r) => r.table === "fixes")!.added).toBeLessThan(12_000);

      const pg = await openPgStore(db.url);
      try {
        expect(await contents(pg, tokens)).toEqual(want);
        expect(want.perDevice[0]!.trips.length).toBeGreaterThan(0);
        expect(want.perDevice[0]!.alerts[0]!.id).toBe(sos.id);
      } finally {
        await pg.close();
      }

      // The command line, again: nothing new.
      const again = await runCli(["copy", "--from", path, "--to", db.url, "--json"]);
      expect(again.code).toBe(0);
      const reports = JSON.parse(again.stdout) as Array<{ table: string; rows: number; added: number }>;
      expect(reports.map((r) => r.table)).toEqual(["devices", "settings", "fixes", "batches", "trips", "shares", "contacts", "alerts", "deliveries", "alert_rules"]);
      expect(reports.every((r) => r.added === 0)).toBe(true);
      expect(reports.find((r) => r.table === "batches")!.rows).toBe(12);

      // New ids go on past the copied ones; and the database is now its own: a copy into it is refused.
      const served = await openPgStore(db.url);
      expect((await served.addDevice("new")).device.id).toBe(other.id + 1);
      await served.close();
      const refused = await runCli(["copy", "--from", path, "--to", db.url]);
      expect([refused.code, refused.stderr.trim()]).toEqual([1, expect.stringMatching(/has 1 device\(s\) this SQLite database does not \(device 3 first\): copy into an empty database$/)]);
    } finally {
      removeTempDb(path);
      await db.drop();
    }
  }, 60_000);

  it("refuses a --to that is not PostgreSQL", async () => {
    const r = await runCli(["copy", "--from", "./x.db", "--to", "./y.db"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("kayaktrack: --to: give the PostgreSQL database, postgres://USER:PASS@HOST:PORT/DB");
  });
});
