import { describe, expect, it } from "vitest";
import type { Fix } from "../fix.ts";
import { BatchConflictError, type Awaitable, type Store, type WriteResult } from "./store.ts";

/** A sane fix at `time` (epoch s), a little further east each second. */
export function fixAt(time: number, extra: Partial<Fix> = {}): Fix {
  return {
    time,
    lat: 59.9,
    lon: 10.7 + (time % 1000) * 1e-5,
    alt: 2,
    speed: 1.8,
    course: 90,
    hdop: 0.9,
    sats: 9,
    accuracy: null,
    battery: null,
    ...extra,
  };
}

const T0 = 1_700_000_000;

function ok(r: WriteResult | Error | undefined): WriteResult {
  if (!r || r instanceof Error) throw r ?? new Error("no result");
  return r;
}

/** The suite every Store implementation passes. */
export function describeStoreContract(name: string, open: () => Awaitable<Store>) {
  describe(`Store contract: ${name}`, () => {
    it("adds, lists, authenticates and revokes devices", async () => {
      const store = await open();
      const { device, token } = await store.addDevice("kayak");
      expect(device.name).toBe("kayak");
      expect((await store.authenticate(device.id, token))?.id).toBe(device.id);
      expect(await store.authenticate(device.id, token + "x")).toBeUndefined();
      expect(await store.authenticate(device.id + 99, token)).toBeUndefined();
      expect((await store.deviceForToken(token))?.id).toBe(device.id);
      expect((await store.listDevices()).map((d) => d.id)).toEqual([device.id]);
      expect(await store.revokeDevice(device.id)).toBe(true);
      expect(await store.revokeDevice(device.id + 99)).toBe(false);
      expect(await store.authenticate(device.id, token)).toBeUndefined();
      expect(await store.deviceForToken(token)).toBeUndefined();
      expect((await store.getDevice(device.id))?.revokedAt).toBeTypeOf("number");
      await store.close();
    });

    it("keeps a device's tracker settings, and clears them", async () => {
      const store = await open();
      const { device, token } = await store.addDevice("kayak");
      expect((await store.getDevice(device.id))?.trackerSettings).toBeNull();
      expect(await store.setTrackerSettings(device.id, { uploadEveryS: 300 })).toBe(true);
      expect((await store.authenticate(device.id, token))?.trackerSettings).toEqual({ uploadEveryS: 300 });
      expect(await store.setTrackerSettings(device.id, null)).toBe(true);
      expect((await store.getDevice(device.id))?.trackerSettings).toBeNull();
      expect(await store.setTrackerSettings(device.id + 99, { uploadAfterFixes: 5 })).toBe(false);
      await store.close();
    });

    it("keeps a device's OwnTracks key apart from what lists it, and clears it", async () => {
      const store = await open();
      const { device } = await store.addDevice("phone");
      expect(await store.owntracksKey(device.id)).toBeUndefined();
      expect(await store.setOwntracksKey(device.id, "kayak-secret")).toBe(true);
      expect(await store.owntracksKey(device.id)).toBe("kayak-secret");
      expect(JSON.stringify(await store.listDevices())).not.toContain("kayak-secret");
      expect(await store.setOwntracksKey(device.id, null)).toBe(true);
      expect(await store.owntracksKey(device.id)).toBeUndefined();
      expect(await store.setOwntracksKey(device.id + 99, "x")).toBe(false);
      await store.close();
    });

    it("stores each (device, time) once and counts duplicates", async () => {
      const store = await open();
      const a = (await store.addDevice("a")).device.id;
      const b = (await store.addDevice("b")).device.id;
      const first = ok((await store.write([{ deviceId: a, source: "osmand", fixes: [fixAt(T0), fixAt(T0 + 1)] }]))[0]);
      expect(first.stored.map((f) => f.time)).toEqual([T0, T0 + 1]);
      const again = ok((await store.write([{ deviceId: a, source: "owntracks", fixes: [fixAt(T0 + 1), fixAt(T0 + 2)] }]))[0]);
      expect(again.stored.map((f) => f.time)).toEqual([T0 + 2]);
      expect(again.duplicates).toBe(1);
      expect([first.storedCount, again.storedCount]).toEqual([2, 1]);
      // The same time on another device is another fix.
      expect(ok((await store.write([{ deviceId: b, source: "osmand", fixes: [fixAt(T0)] }]))[0]).stored).toHaveLength(1);
      expect(await store.fixes({ deviceId: a, limit: 100 })).toHaveLength(3);
      await store.close();
    });

    it("keeps millisecond fractions as part of the identity", async () => {
      const store = await open();
      const a = (await store.addDevice("a")).device.id;
      const r = ok((await store.write([{ deviceId: a, source: "batch", fixes: [fixAt(T0 + 0.25), fixAt(T0 + 0.5)] }]))[0]);
      expect(r.stored.map((f) => f.time)).toEqual([T0 + 0.25, T0 + 0.5]);
      await store.close();
    });

    it("replays a batch's acknowledgement and stores nothing the second time", async () => {
      const store = await open();
      const a = (await store.addDevice("a")).device.id;
      const req = { deviceId: a, source: "batch" as const, fixes: [fixAt(T0), fixAt(T0)], batch: { seq: 7, digest: "d1", rejected: 2 } };
      const first = ok((await store.write([req]))[0]);
      expect(first.ack).toEqual({ seq: 7, stored: 1, duplicates: 1, rejected: 2 });
      const second = ok((await store.write([req]))[0]);
      expect(second.replayed).toBe(true);
      expect(second.ack).toEqual(first.ack);
      expect(second.stored).toEqual([]);
      const conflict = (await store.write([{ ...req, fixes: [fixAt(T0 + 5)], batch: { seq: 7, digest: "other", rejected: 0 } }]))[0];
      expect(conflict).toBeInstanceOf(BatchConflictError);
      expect(await store.fixes({ deviceId: a, limit: 100 })).toHaveLength(1);
      await store.close();
    });

    it("isolates a failing request from the others in the same write", async () => {
      const store = await open();
      const a = (await store.addDevice("a")).device.id;
      await store.write([{ deviceId: a, source: "batch", fixes: [fixAt(T0)], batch: { seq: 1, digest: "x", rejected: 0 } }]);
      const [bad, good] = await store.write([
        { deviceId: a, source: "batch", fixes: [fixAt(T0 + 9)], batch: { seq: 1, digest: "y", rejected: 0 } },
        { deviceId: a, source: "osmand", fixes: [fixAt(T0 + 10)] },
      ]);
      expect(bad).toBeInstanceOf(Error);
      expect(ok(good).stored).toHaveLength(1);
      expect((await store.fixes({ deviceId: a, limit: 100 })).map((f) => f.time)).toEqual([T0, T0 + 10]);
      await store.close();
    });

    it("marks trips out of date from the earliest new fix, and replaces trips keeping ids", async () => {
      const store = await open();
      const a = (await store.addDevice("a")).device.id;
      expect(await store.takeTripsDirty(a)).toBeUndefined();
      await store.write([{ deviceId: a, source: "osmand", fixes: [fixAt(T0 + 50), fixAt(T0 + 20)] }]);
      await store.write([{ deviceId: a, source: "osmand", fixes: [fixAt(T0 + 20), fixAt(T0 + 90)] }]); // one duplicate
      expect(await store.takeTripsDirty(a)).toBe((T0 + 20) * 1000);
      expect(await store.takeTripsDirty(a)).toBeUndefined();
      await store.markTripsDirty(a, (T0 + 30) * 1000);
      await store.markTripsDirty(a, (T0 + 40) * 1000);
      expect(await store.takeTripsDirty(a)).toBe((T0 + 30) * 1000);

      const stats = (start: number, end: number) => ({
        fixes: 2, start, end, distanceM: 100, durationS: end - start, movingS: end - start, avgMovingSpeed: 1,
        maxSpeed: 2, minAlt: null, maxAlt: 3, bbox: [10, 59, 11, 60] as [number, number, number, number],
      });
      await store.replaceTrips(a, -Infinity, [stats(T0, T0 + 10), stats(T0 + 100, T0 + 110)]);
      expect((await store.latestBefore(a, (T0 + 89) * 1000))?.time).toBe(T0 + 50);
      expect(await store.latestBefore(a, (T0 + 19) * 1000)).toBeUndefined();
      const [first, second] = await store.trips(a);
      expect(first).toMatchObject({ deviceId: a, start: T0, end: T0 + 10, maxAlt: 3, bbox: [10, 59, 11, 60] });
      expect(await store.tripStartBefore(a, (T0 + 105) * 1000)).toBe((T0 + 100) * 1000);
      expect(await store.tripStartBefore(a, (T0 - 1) * 1000)).toBeUndefined();
      // The second trip grows (same start, same id); a third appears.
      await store.replaceTrips(a, (T0 + 100) * 1000, [stats(T0 + 100, T0 + 150), stats(T0 + 400, T0 + 410)]);
      expect((await store.trips(a)).map((t) => [t.id === second!.id, t.end])).toEqual([[false, T0 + 10], [true, T0 + 150], [false, T0 + 410]]);
      expect((await store.trip(first!.id))?.end).toBe(T0 + 10);
      await store.replaceTrips(a, T0 * 1000, []);
      expect(await store.trips(a)).toEqual([]);
      // An id once given is never given again, on any device.
      const b = (await store.addDevice("b")).device.id;
      await store.replaceTrips(b, -Infinity, [stats(T0, T0 + 10)]);
      expect((await store.trips(b))[0]!.id).toBeGreaterThan(Math.max(first!.id, second!.id) + 1);
      await store.close();
    });

    it("reads fixes in time order with from, to and a cursor", async () => {
      const store = await open();
      const a = (await store.addDevice("a")).device.id;
      await store.write([{ deviceId: a, source: "osmand", fixes: [fixAt(T0 + 3), fixAt(T0 + 1), fixAt(T0 + 2), fixAt(T0 + 4)] }]);
      expect((await store.fixes({ deviceId: a, limit: 10 })).map((f) => f.time)).toEqual([T0 + 1, T0 + 2, T0 + 3, T0 + 4]);
      expect((await store.fixes({ deviceId: a, from: T0 + 2, to: T0 + 3, limit: 10 })).map((f) => f.time)).toEqual([T0 + 2, T0 + 3]);
      const page = await store.fixes({ deviceId: a, limit: 2 });
      const next = await store.fixes({ deviceId: a, limit: 2, afterMs: page[1]!.time * 1000 });
      expect(next.map((f) => f.time)).toEqual([T0 + 3, T0 + 4]);
      await store.close();
    });

    it("never moves the latest position backwards when late fixes arrive", async () => {
      const store = await open();
      const a = (await store.addDevice("a")).device.id;
      await store.write([{ deviceId: a, source: "osmand", fixes: [fixAt(T0 + 100)] }]);
      await store.write([{ deviceId: a, source: "osmand", fixes: [fixAt(T0 + 50)] }]);
      expect((await store.getDevice(a))?.latest?.time).toBe(T0 + 100);
      expect((await store.getDevice(a))?.lastSeenAt).toBeTypeOf("number");
      await store.close();
    });

    it("lists fixes after an id, for one device or all, and knows the last id", async () => {
      const store = await open();
      const a = (await store.addDevice("a")).device.id;
      const b = (await store.addDevice("b")).device.id;
      expect(await store.lastFixId()).toBe(0);
      const [ra, rb] = await store.write([
        { deviceId: a, source: "osmand", fixes: [fixAt(T0), fixAt(T0 + 1)] },
        { deviceId: b, source: "osmand", fixes: [fixAt(T0)] },
      ]);
      const first = ok(ra).stored[0]!.id;
      expect(await store.fixesAfterId(first, undefined, 10)).toHaveLength(2);
      expect(await store.fixesAfterId(first, a, 10)).toHaveLength(1);
      expect((await store.fixesAfterId(0, b, 10)).map((f) => f.id)).toEqual(ok(rb).stored.map((f) => f.id));
      expect(await store.lastFixId()).toBe(Math.max(...[...ok(ra).stored, ...ok(rb).stored].map((f) => f.id)));
      await store.write([{ deviceId: a, source: "osmand", fixes: [fixAt(T0 - 5)] }]); // earlier in time, later in id
      expect((await store.fixesAfterId(await store.lastFixId() - 1, a, 10)).map((f) => f.time)).toEqual([T0 - 5]);
      await store.close();
    });

    it("keeps settings", async () => {
      const store = await open();
      expect(await store.getSetting("k")).toBeUndefined();
      await store.setSetting("k", "v1");
      await store.setSetting("k", "v2");
      expect(await store.getSetting("k")).toBe("v2");
      await expect(Promise.resolve(store.check())).resolves.toBeUndefined();
      await store.close();
      await store.close(); // safe twice
    });
  });
}
