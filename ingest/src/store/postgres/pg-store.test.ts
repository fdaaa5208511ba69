import { afterAll, describe, expect, it } from "vitest";
import { describeAlertStoreContract } from "../../alerts/alert-store.contract.ts";
import { describeFixWriterContract } from "../fix-writer.contract.ts";
import { describeStoreContract, fixAt } from "../store.contract.ts";
import { storeWriter, type WriteResult } from "../store.ts";
import { openPgStore } from "./pg-store.ts";
import { freshDatabase, PG_SKIPPED, TEST_PG } from "./testing/pg-test-db.ts";

if (TEST_PG) {
  // Each test gets a database of its own, dropped at the end.
  const drops: Array<() => Promise<void>> = [];
  const open = async () => {
    const db = await freshDatabase();
    const store = await openPgStore(db.url, { max: 4 });
    drops.push(async () => {
      await store.close();
      await db.drop();
    });
    return store;
  };
  afterAll(async () => {
    for (const drop of drops.splice(0)) await drop();
  });
  describeStoreContract("postgres", open);
  describeAlertStoreContract("postgres", open);
  describeFixWriterContract("postgres, through the store", async () => {
    const store = await open();
    return { store, writer: storeWriter(store) };
  });

  describe("PgStore across processes (two pools on one database)", () => {
    const two = async () => {
      const db = await freshDatabase();
      const a = await openPgStore(db.url, { max: 4 });
      const b = await openPgStore(db.url, { max: 4 });
      drops.push(async () => {
        await Promise.all([a.close(), b.close()]);
        await db.drop();
      });
      return [a, b] as const;
    };
    const T0 = 1_700_000_000;

    it("stores a batch sent to both at once once, and both answer with its one acknowledgement", async () => {
      const [a, b] = await two();
      const { device } = await a.addDevice("kayak");
      for (let seq = 1; seq <= 20; seq++) {
        const fixes = Array.from({ length: 50 }, (_, i) => fixAt(T0 + seq * 100 + i));
        const req = { deviceId: device.id, source: "batch" as const, fixes, batch: { seq, digest: `d${seq}`, rejected: 1 } };
        const [ra, rb] = (await Promise.all([a.write([req]), b.write([req])])).map((r) => r[0] as WriteResult);
        expect(ra!.ack).toEqual(rb!.ack);
        expect(ra!.ack).toEqual({ seq, stored: 50, duplicates: 0, rejected: 1 });
        expect([ra!.replayed, rb!.replayed].sort()).toEqual([false, true]);
      }
      expect(await b.fixes({ deviceId: device.id, limit: 10_000 })).toHaveLength(20 * 50);
    });

    it("raises an alert reported to both at once once, with one delivery per contact", async () => {
      const [a, b] = await two();
      const { device } = await a.addDevice("kayak");
      await a.alerts.addContact({ deviceId: device.id, kind: "email", target: "home@example.org", name: null });
      const sos = { deviceId: device.id, kind: "sos" as const, source: "tracker" as const, atMs: T0 * 1000, lat: 59.9, lon: 10.7, fixTime: T0, detail: null };
      const raised = (await Promise.all([a.alerts.raise(sos), b.alerts.raise(sos)])).filter(Boolean);
      expect(raised).toHaveLength(1);
      expect(await b.alerts.deliveries(raised[0]!.id)).toHaveLength(1);
      // Two notifiers claiming at once take it once.
      const claims = await Promise.all([a.alerts.claimDeliveries(Date.now(), Date.now() + 60_000, 4), b.alerts.claimDeliveries(Date.now(), Date.now() + 60_000, 4)]);
      expect(claims.flat()).toHaveLength(1);
    });
  });
} else {
  describe("PgStore", () => {
    it.skip(`passes the Store, AlertStore and FixWriter contracts${PG_SKIPPED}`, () => {});
  });
}
