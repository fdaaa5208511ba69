import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import { fixAt } from "../store/store.contract.ts";
import { refreshTrips } from "./refresh-trips.ts";
import { defaultTripOptions } from "./trip.ts";
import { describeTripOptions, parseTripSettings, setTripOptions, tripOptions } from "./trip-settings.ts";

const T0 = 1_700_000_000;

/** Two stretches of 20 minutes paddling east, 20 minutes apart. */
function twoStretches() {
  const stretch = (from: number, lon: number) => Array.from({ length: 120 }, (_, i) => fixAt(from + i * 10, { lon: lon + i * 2e-4 }));
  return [...stretch(T0, 10), ...stretch(T0 + 2400, 10.03)];
}

describe("trip settings", () => {
  it("are the defaults until set, and splitting follows them: a 20-minute pause ends a trip only with --gap under 20m", async () => {
    const store = openSqliteStore(":memory:");
    const a = (await store.addDevice("a")).device.id;
    await store.write([{ deviceId: a, source: "batch", fixes: twoStretches() }]);
    expect(await tripOptions(store)).toEqual(defaultTripOptions);
    await refreshTrips(store, a);
    expect(await store.trips(a)).toHaveLength(1);

    expect(await setTripOptions(store, parseTripSettings({ gap: "10m", "min-distance": "100" }))).toEqual({ ...defaultTripOptions, gapS: 600, minDistanceM: 100 });
    await refreshTrips(store, a);
    expect((await store.trips(a)).map((t) => t.fixes)).toEqual([120, 120]);

    // Settings add up, and a reset goes back to the defaults (and splits again).
    expect(await setTripOptions(store, parseTripSettings({ "moving-speed": "0.3" }))).toMatchObject({ gapS: 600, movingSpeed: 0.3 });
    expect(await setTripOptions(store, "reset")).toEqual(defaultTripOptions);
    await refreshTrips(store, a);
    expect(await store.trips(a)).toHaveLength(1);
    await store.close();
  });

  it("name the setting that is wrong, with its unit and range", () => {
    expect(() => parseTripSettings({ gap: "soon" })).toThrow("--gap soon: a duration such as 90s, 20m or 1h from 60 s to 604800 s");
    expect(() => parseTripSettings({ "ashore-radius": "-5" })).toThrow("--ashore-radius -5: a number of metres from 5 metres to 10000 metres");
    expect(() => parseTripSettings({ "moving-speed": "20" })).toThrow(/--moving-speed 20: a number of m\/s/);
    expect(parseTripSettings({ ashore: "45m", "speed-window": "30" })).toEqual({ stationaryS: 2700, speedWindowS: 30 });
  });

  it("are told in words with their units", () => {
    expect(describeTripOptions(defaultTripOptions)).toContain("after a pause of more than 30 min (--gap), or after 20 min (--ashore) within 50 m (--ashore-radius)");
  });
});
