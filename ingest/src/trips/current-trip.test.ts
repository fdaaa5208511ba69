import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import { fixAt } from "../store/store.contract.ts";
import { currentTrip } from "./current-trip.ts";
import { refreshTrips } from "./refresh-trips.ts";

const T0 = 1_700_000_000;
/** `n` fixes a second apart from `start`, heading east from `lon` at about 1.1 m/s */
const eastward = (start: number, n: number, lon = 10) => Array.from({ length: n }, (_, i) => fixAt(start + i, { lon: lon + i * 2e-5 }));

describe("currentTrip", () => {
  it("finds a trip of fixes no one has split yet, on whichever device", async () => {
    const store = openSqliteStore(":memory:");
    const a = (await store.addDevice("a")).device.id;
    const b = (await store.addDevice("b")).device.id;
    await store.write([{ deviceId: b, source: "import", fixes: eastward(T0, 600) }]);
    expect(await store.trip(1)).toBeUndefined();
    expect(await currentTrip(store, 1)).toMatchObject({ id: 1, deviceId: b, fixes: 600 });
    expect(await store.trips(a)).toEqual([]);
    expect(await currentTrip(store, 2)).toBeUndefined();
    await store.close();
  });

  it("gives the trip as late fixes changed it, and nothing once they merged it into another", async () => {
    const store = openSqliteStore(":memory:");
    const a = (await store.addDevice("a")).device.id;
    // One paddle, of which only the first and last ten minutes have arrived: two trips.
    await store.write([{ deviceId: a, source: "batch", fixes: [...eastward(T0, 600), ...eastward(T0 + 7200, 600, 10.144)] }]);
    await refreshTrips(store, a);
    const [first, second] = await store.trips(a);
    expect(second).toBeDefined();
    await store.write([{ deviceId: a, source: "batch", fixes: eastward(T0 + 600, 60, 10.012) }]);
    expect(await currentTrip(store, first!.id)).toMatchObject({ id: first!.id, fixes: 660 });
    // The rest arrives: one trip, which keeps the first one's id.
    await store.write([{ deviceId: a, source: "batch", fixes: eastward(T0 + 660, 6540, 10.0132) }]);
    expect(await currentTrip(store, second!.id)).toBeUndefined();
    expect(await store.trips(a)).toMatchObject([{ id: first!.id, fixes: 7800 }]);
    await store.close();
  });
});
