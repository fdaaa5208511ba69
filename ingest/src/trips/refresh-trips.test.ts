import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import { fixAt } from "../store/store.contract.ts";
import { refreshTrips } from "./refresh-trips.ts";

const T0 = 1_700_000_000;

describe("refreshTrips", () => {
  it("lets the event loop run while it recomputes a long history, and shares one run between readers", async () => {
    const store = openSqliteStore(":memory:");
    const a = store.addDevice("a").device.id;
    // 30,000 fixes a second apart heading east: six pages of fixes, one trip.
    const fixes = Array.from({ length: 30_000 }, (_, i) => fixAt(T0 + i, { lon: 10 + i * 2e-5 }));
    store.write([{ deviceId: a, source: "batch", fixes }]);

    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const first = refreshTrips(store, a);
    const second = refreshTrips(store, a);
    expect(second).toBe(first);
    await first;
    clearInterval(ticker);
    expect(turns).toBeGreaterThan(0);
    expect(store.trips(a)).toHaveLength(1);
    expect(store.trips(a)[0]!.fixes).toBe(30_000);
    // Nothing new: the next refresh has nothing to do.
    await refreshTrips(store, a);
    expect(store.takeTripsDirty(a)).toBeUndefined();
    store.close();
  });
});
