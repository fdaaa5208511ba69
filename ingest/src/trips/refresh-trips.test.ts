import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import { fixAt } from "../store/store.contract.ts";
import { refreshTrips } from "./refresh-trips.ts";

const T0 = 1_700_000_000;

describe("refreshTrips", () => {
  it("lets the event loop run while it recomputes a long history, and shares one run between the readers who come meanwhile", async () => {
    const store = openSqliteStore(":memory:");
    const a = store.addDevice("a").device.id;
    // 30,000 fixes a second apart heading east: six pages of fixes, one trip.
    const fixes = Array.from({ length: 30_000 }, (_, i) => fixAt(T0 + i, { lon: 10 + i * 2e-5 }));
    store.write([{ deviceId: a, source: "batch", fixes }]);

    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const first = refreshTrips(store, a);
    const second = refreshTrips(store, a);
    expect(refreshTrips(store, a)).toBe(second);
    await first;
    await second;
    clearInterval(ticker);
    expect(turns).toBeGreaterThan(0);
    expect(store.trips(a)).toHaveLength(1);
    expect(store.trips(a)[0]!.fixes).toBe(30_000);
    // Nothing new: the next refresh has nothing to do.
    await refreshTrips(store, a);
    expect(store.takeTripsDirty(a)).toBeUndefined();
    store.close();
  });

  it("gives a reader who comes during a refresh the fixes written after that refresh began, also those before its pages", async () => {
    const store = openSqliteStore(":memory:");
    const a = store.addDevice("a").device.id;
    const fixes = Array.from({ length: 30_000 }, (_, i) => fixAt(T0 + i, { lon: 10 + i * 2e-5 }));
    store.write([{ deviceId: a, source: "batch", fixes }]);

    const first = refreshTrips(store, a);
    // While the first refresh reads its pages, the day before arrives late (an import, or a card read out at home).
    await new Promise((resolve) => setImmediate(resolve));
    const dayBefore = Array.from({ length: 600 }, (_, i) => fixAt(T0 - 86_400 + i, { lon: 11 + i * 2e-5 }));
    store.write([{ deviceId: a, source: "batch", fixes: dayBefore }]);
    const second = refreshTrips(store, a);
    await first;
    await second;
    expect(store.trips(a).map((t) => t.fixes)).toEqual([600, 30_000]);
    store.close();
  });
});
