import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import { fixAt } from "../store/store.contract.ts";
import { refreshTrips } from "./refresh-trips.ts";
import { splitTrips } from "./trip-builder.ts";

const T0 = 1_700_000_000;

describe("refreshTrips", () => {
  it("lets the event loop run while it recomputes a long history, and shares one run between the readers who come meanwhile", async () => {
    const store = openSqliteStore(":memory:");
    const a = (await store.addDevice("a")).device.id;
    // 30,000 fixes a second apart heading east: six pages of fixes, one trip.
    const fixes = Array.from({ length: 30_000 }, (_, i) => fixAt(T0 + i, { lon: 10 + i * 2e-5 }));
    await store.write([{ deviceId: a, source: "batch", fixes }]);

    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const first = refreshTrips(store, a);
    const second = refreshTrips(store, a);
    expect(refreshTrips(store, a)).toBe(second);
    await first;
    await second;
    clearInterval(ticker);
    expect(turns).toBeGreaterThan(0);
    expect(await store.trips(a)).toHaveLength(1);
    expect((await store.trips(a))[0]!.fixes).toBe(30_000);
    // Nothing new: the next refresh has nothing to do.
    await refreshTrips(store, a);
    expect(await store.takeTripsDirty(a)).toBeUndefined();
    await store.close();
  });

  it("gives a reader who comes during a refresh the fixes written after that refresh began, also those before its pages", async () => {
    const store = openSqliteStore(":memory:");
    const a = (await store.addDevice("a")).device.id;
    const fixes = Array.from({ length: 30_000 }, (_, i) => fixAt(T0 + i, { lon: 10 + i * 2e-5 }));
    await store.write([{ deviceId: a, source: "batch", fixes }]);

    const first = refreshTrips(store, a);
    // While the first refresh reads its pages, the day before arrives late (an import, or a card read out at home).
    await new Promise((resolve) => setImmediate(resolve));
    const dayBefore = Array.from({ length: 600 }, (_, i) => fixAt(T0 - 86_400 + i, { lon: 11 + i * 2e-5 }));
    await store.write([{ deviceId: a, source: "batch", fixes: dayBefore }]);
    const second = refreshTrips(store, a);
    await first;
    await second;
    expect((await store.trips(a)).map((t) => t.fixes)).toEqual([600, 30_000]);
    await store.close();
  });

  it("goes on from where it stopped when only later fixes came, and splits as one pass over them all would", async () => {
    const store = openSqliteStore(":memory:");
    const a = (await store.addDevice("a")).device.id;
    // Paddling east, a spike now and then, 25 min ashore, paddling on, a 40 min gap, paddling on: a fix every 5 s.
    const fixes = [];
    let lon = 10;
    for (let i = 0; i < 4000; i++) {
      const ashore = i >= 1000 && i < 1300;
      const gap = i >= 2500 && i < 2980;
      if (gap) continue;
      if (!ashore) lon += 1e-4;
      const spike = i % 397 === 5;
      fixes.push(fixAt(T0 + i * 5, { lon: spike ? lon + 0.05 : lon, lat: 59 + (ashore ? (i % 3) * 1e-5 : 0) }));
    }
    const reads: number[] = [];
    const fixesOf = store.fixes.bind(store);
    store.fixes = (q) => {
      const r = fixesOf(q);
      reads.push(r.length);
      return r;
    };
    let seed = 3;
    for (let at = 0; at < fixes.length; ) {
      const n = 1 + ((seed = (seed * 16807) % 2147483647) % 90);
      await store.write([{ deviceId: a, source: "batch", fixes: fixes.slice(at, at + n) }]);
      at += n;
      reads.length = 0;
      await refreshTrips(store, a);
      // What it read is the batch, not the trip so far.
      expect(reads.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(n);
    }
    const strip = (t: object) => ({ ...t, id: undefined, deviceId: undefined });
    expect((await store.trips(a)).map(strip)).toEqual(splitTrips(fixes).map(strip));
    expect((await store.trips(a)).length).toBeGreaterThanOrEqual(3);
    // A late fix in the middle: again from the start of its trip.
    await store.write([{ deviceId: a, source: "batch", fixes: [fixAt(T0 + 5 * 500 + 2, { lon: 10.05 })] }]);
    await refreshTrips(store, a);
    const all = await store.fixes({ deviceId: a, limit: 10_000 });
    expect((await store.trips(a)).map(strip)).toEqual(splitTrips(all).map(strip));
    await store.close();
  });
});
