import { describe, expect, it } from "vitest";
import { splitTrips } from "./trip-builder.ts";

const T0 = 1_700_000_000;
/** WGS84 equator: a degree of longitude is a·π/180 metres. */
const M_PER_DEG_EQUATOR = (6378137 * Math.PI) / 180;

/** `n` fixes along the equator eastwards from `lon0`, one every `dt` s, `step` degrees apart. */
function eastward(n: number, { t0 = T0, lon0 = 0, dt = 10, step = 1e-4, alt = null as number | null } = {}) {
  return Array.from({ length: n }, (_, i) => ({ time: t0 + i * dt, lat: 0, lon: lon0 + i * step, alt }));
}

describe("splitTrips", () => {
  it("measures a straight track by hand: 99 steps of 1e-4 degrees in 990 s", () => {
    const [trip, ...rest] = splitTrips(eastward(100, { alt: 3 }));
    expect(rest).toEqual([]);
    const d = 99 * 1e-4 * M_PER_DEG_EQUATOR; // 1102.06 m
    expect(trip!.distanceM).toBeCloseTo(d, 3);
    expect(trip).toMatchObject({ fixes: 100, start: T0, end: T0 + 990, durationS: 990, movingS: 990, minAlt: 3, maxAlt: 3 });
    expect(trip!.avgMovingSpeed).toBeCloseTo(d / 990, 6);
    expect(trip!.maxSpeed).toBeCloseTo(d / 990, 6);
    expect(trip!.bbox).toEqual([0, 0, 99 * 1e-4, 0]);
  });

  it("splits at a pause longer than 30 minutes, and keeps a shorter pause out of the moving time", () => {
    const first = eastward(100);
    const after = (gapS: number) => eastward(100, { t0: T0 + 990 + gapS, lon0: 0.0099 });
    // Drifting on: 31 minutes without fixes, not ashore.
    expect(splitTrips([...first, ...after(31 * 60)], { stationaryS: 3600 })).toHaveLength(2);
    // 15 minutes without fixes, shorter than both the gap and the stationary spell.
    const [one, ...none] = splitTrips([...first, ...after(15 * 60)]);
    expect(none).toEqual([]);
    expect(one!.durationS).toBe(990 + 15 * 60 + 990);
    expect(one!.movingS).toBe(2 * 990);
    expect(one!.distanceM).toBeCloseTo(198 * 1e-4 * M_PER_DEG_EQUATOR, 3); // it set off where it stopped
  });

  it("ends a trip where the boat stayed ashore for 20 minutes, and starts the next when it leaves", () => {
    const out = eastward(100);
    // 25 minutes on the beach, jittering about a metre.
    const ashore = Array.from({ length: 150 }, (_, i) => ({ time: T0 + 1000 + i * 10, lat: (i % 3) * 1e-5, lon: 0.0099 + (i % 2) * 1e-5, alt: null }));
    const back = eastward(100, { t0: T0 + 2500, lon0: 0.0099, step: -1e-4 });
    const trips = splitTrips([...out, ...ashore, ...back]);
    expect(trips).toHaveLength(2);
    // The first trip ends on arrival (within the 50 m radius, about 45 s at 1.1 m/s), not 25 minutes later.
    expect(trips[0]!.end).toBeGreaterThanOrEqual(T0 + 990 - 50);
    expect(trips[0]!.end).toBeLessThanOrEqual(T0 + 1000);
    // The next starts from the last fix within the radius of where the stop began (up to 100 m out).
    expect(trips[1]!.start).toBeGreaterThanOrEqual(T0 + 2490);
    expect(trips[1]!.start).toBeLessThanOrEqual(T0 + 2500 + 100);
    expect(trips[1]!.fixes).toBeGreaterThan(90);
  });

  it("leaves a GPS spike out of the distance and the maximum speed", () => {
    const clean = eastward(100);
    const spiked = clean.map((f, i) => (i === 50 ? { ...f, lat: 0.01 } : f)); // 1.1 km north for one fix
    const [a] = splitTrips(clean);
    const [b] = splitTrips(spiked);
    expect(b!.fixes).toBe(100);
    expect(b!.distanceM).toBeCloseTo(a!.distanceM, 6); // the steps around it are bridged
    expect(b!.maxSpeed).toBeCloseTo(a!.maxSpeed!, 3);
  });

  it("keeps a trip whose first fix is a spike: it starts again from the fixes that agree", () => {
    const clean = eastward(100);
    const spike = { time: T0 - 10, lat: 0.9, lon: 0, alt: null }; // 100 km north, 10 s before
    const [a] = splitTrips(clean);
    const trips = splitTrips([spike, ...clean]);
    expect(trips).toHaveLength(1);
    expect(trips[0]).toEqual(a); // the same trip: start, fixes, distance and box without the spike
    // A glitch of agreeing spikes early in a trip is left out like any spike: the trip keeps its start.
    for (const [from, to] of [[1, 3], [5, 10]] as const) {
      const burst = clean.map((f, i) => (i >= from && i <= to ? { ...f, lat: 0.9 } : f));
      const [b] = splitTrips(burst);
      expect(b!.start).toBe(a!.start);
      expect(b!.fixes).toBe(100);
      expect(b!.bbox).toEqual(a!.bbox); // no spike in the box
      expect(b!.distanceM).toBeCloseTo(a!.distanceM, 6); // bridged
    }
    // After starting again, a later spike back at the first fix's place does not bring that start back.
    const late = [spike, ...clean, { time: T0 + 1000, lat: 0.9, lon: 0, alt: null }];
    expect(splitTrips(late)[0]).toMatchObject({ start: a!.start, fixes: 101, distanceM: a!.distanceM });
    // A spike in a long trip stays a spike, however many fixes it lasts.
    const mid = clean.map((f, i) => (i >= 50 && i <= 52 ? { ...f, lat: 0.9 } : f));
    expect(splitTrips(mid)[0]!.fixes).toBe(100);
  });

  it("takes the maximum speed over the fastest 10 s, not the average, nor one jumpy second", () => {
    // One fix a second: 300 s at 1 m/s, a 60 s sprint at 3 m/s, 300 s at 1 m/s.
    const speeds = [...Array(300).fill(1), ...Array(60).fill(3), ...Array(300).fill(1)] as number[];
    let lon = 0;
    const track = [{ time: T0, lat: 0, lon, alt: null }, ...speeds.map((v, i) => ({ time: T0 + i + 1, lat: 0, lon: (lon += v / M_PER_DEG_EQUATOR), alt: null }))];
    const [sprint] = splitTrips(track);
    expect(sprint!.maxSpeed).toBeCloseTo(3, 6);
    expect(sprint!.avgMovingSpeed).toBeCloseTo(780 / 660, 6);
    // A second of 8 m among seconds of 1 m (a position that jumped): counted over 10 s, 1.7 m/s.
    lon = 0;
    const jumpy = speeds.map((_, i) => ({ time: T0 + i, lat: 0, lon: (lon += (i === 200 ? 8 : 1) / M_PER_DEG_EQUATOR), alt: null }));
    expect(splitTrips(jumpy)[0]!.maxSpeed).toBeCloseTo(1.7, 6);
  });

  it("drops trips shorter than the minimum distance or duration, with configurable thresholds", () => {
    expect(splitTrips(eastward(10))).toEqual([]); // 100 m
    expect(splitTrips(eastward(10), { minDistanceM: 50, minDurationS: 60 })).toHaveLength(1);
    expect(splitTrips(eastward(20, { dt: 1, step: 2e-4 }))).toEqual([]); // 420 m in 19 s
  });

  it("gives the elevation range and null when no fix has an altitude", () => {
    const track = eastward(100).map((f, i) => ({ ...f, alt: i === 7 ? -2 : i === 70 ? 14.5 : 1 }));
    expect(splitTrips(track)[0]).toMatchObject({ minAlt: -2, maxAlt: 14.5 });
    expect(splitTrips(eastward(100))[0]).toMatchObject({ minAlt: null, maxAlt: null });
  });
});
