import { describe, expect, it } from "vitest";
import { distance } from "../world/geo.ts";
import { KNOT } from "@kayaktrack/firmware/units";
import { gpsEpochs, randomDropouts, type GpsEpoch } from "./gps-receiver.ts";
import { coastalDay, lakeLoop } from "../world/synthetic-routes.ts";

const all = (it: Iterable<GpsEpoch>) => [...it];

describe("gpsEpochs", () => {
  const route = lakeLoop({ seed: 2, start: 1_718_434_800.4 });

  it("repeats for a seed, one epoch per 1/rate s from the first whole second", () => {
    const a = all(gpsEpochs(route, { seed: 5, duration: 120 }));
    expect(a).toEqual(all(gpsEpochs(route, { seed: 5, duration: 120 })));
    expect(a).not.toEqual(all(gpsEpochs(route, { seed: 6, duration: 120 })));
    expect(a).toHaveLength(121);
    expect(a[0]!.time).toBe(1_718_434_801);
    expect(a[120]!.time).toBe(1_718_434_921);
    const fast = all(gpsEpochs(route, { rate: 5, duration: 2 }));
    expect(fast.map((e) => e.time - 1_718_434_801)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8, 2].map((x) => expect.closeTo(x, 5)));
    // the truth is the route at the epoch's time
    expect(fast[3]!.truth).toEqual(route.at(fast[3]!.time));
  });

  it("starts cold: no time at first, then satellites one by one, then the first fix", () => {
    const epochs = all(gpsEpochs(route, { duration: 40, coldStart: 27 }));
    const cold = epochs.filter((e) => e.state === "cold-start");
    expect(cold).toHaveLength(27);
    expect(cold.every((e) => e.fix === undefined)).toBe(true);
    expect(epochs[0]).toMatchObject({ timeKnown: false, satellites: [] });
    expect(epochs[10]!.timeKnown).toBe(true);
    const tracked = cold.map((e) => e.satellites.filter((s) => s.snr !== undefined).length);
    expect(tracked[26]).toBeGreaterThan(tracked[10]!);
    expect(epochs[27]!.fix).toBeDefined();
    expect(epochs[27]!.satellites.length).toBeGreaterThanOrEqual(8);
    expect(epochs[27]!.satellites.length).toBeLessThanOrEqual(12);
    expect(all(gpsEpochs(route, { duration: 3, coldStart: 0 }))[0]!.fix).toBeDefined();
  });

  it("reports fixes a few metres from the truth, wandering slowly, with a good speed", () => {
    const epochs = all(gpsEpochs(coastalDay({ seed: 1 }), { seed: 3, coldStart: 0 }));
    const errors = epochs.map((e) => distance(e.fix!, e.truth));
    expect(Math.max(...errors)).toBeLessThan(10);
    const rms = Math.sqrt(errors.reduce((s, x) => s + x * x, 0) / errors.length);
    expect(rms).toBeGreaterThan(1);
    expect(rms).toBeLessThan(3.5);
    // correlated, not white: the error moves little between seconds
    const jumps = epochs.slice(1).map((e, i) => Math.abs(errors[i + 1]! - errors[i]!));
    expect(jumps.reduce((a, b) => a + b, 0) / jumps.length).toBeLessThan(0.6);
    for (const e of epochs) {
      expect(Math.abs(e.fix!.speed - e.truth.speed)).toBeLessThan(0.3);
      expect(Math.abs(e.fix!.alt - e.truth.alt)).toBeLessThan(15);
    }
    // at the NMEA precision: whole thousandths of a knot, 0.1 m, 0.00001 minute
    const f = epochs[100]!.fix!;
    expect((f.speed / KNOT) * 1000).toBeCloseTo(Math.round((f.speed / KNOT) * 1000), 6);
    expect(f.alt * 10).toBeCloseTo(Math.round(f.alt * 10), 9);
    expect(f.lat * 6e6).toBeCloseTo(Math.round(f.lat * 6e6), 4);
  });

  it("reports a standing boat as standing, without a course", () => {
    const day = coastalDay({ seed: 1 });
    const pause = day.pauses[0]!;
    const epochs = all(gpsEpochs(day, { coldStart: 0 })).filter((e) => e.time >= pause.from + 1 && e.time < pause.to);
    expect(epochs.length).toBeGreaterThan(500);
    for (const e of epochs) {
      expect(e.truth.moving).toBe(false);
      expect(e.fix!.speed).toBeLessThan(0.3);
      expect(e.fix!.course).toBeUndefined();
      expect(distance(e.fix!, e.truth)).toBeLessThan(10);
    }
  });

  it("loses the fix during dropouts, keeping the time", () => {
    const epochs = all(gpsEpochs(route, { duration: 100, coldStart: 5, dropouts: [{ from: 30, to: 40 }, { from: 90, to: 95 }] }));
    const noFix = epochs.filter((e) => !e.fix).map((e) => e.time - epochs[0]!.time);
    expect(noFix).toEqual([0, 1, 2, 3, 4, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 90, 91, 92, 93, 94]);
    expect(epochs[35]).toMatchObject({ state: "dropout", timeKnown: true });
    expect(epochs[35]!.satellites.every((s) => !s.used)).toBe(true);
  });

  it("refuses options a NEO-6M cannot do", () => {
    expect(() => all(gpsEpochs(route, { rate: 10 }))).toThrow(/1 to 5 times a second/);
    expect(() => all(gpsEpochs(route, { rate: 0 }))).toThrow(Error);
    expect(() => all(gpsEpochs(route, { dropouts: [{ from: 5, to: 5 }] }))).toThrow(/must end after it starts/);
  });
});

describe("randomDropouts", () => {
  it("places the dropouts asked for, apart, inside the duration, repeatably", () => {
    const d = randomDropouts({ seed: 1, count: 5, length: [30, 120], duration: 3600, after: 60 });
    expect(d).toEqual(randomDropouts({ seed: 1, count: 5, length: [30, 120], duration: 3600, after: 60 }));
    expect(d).toHaveLength(5);
    for (let i = 0; i < d.length; i++) {
      expect(d[i]!.to - d[i]!.from).toBeGreaterThanOrEqual(30);
      expect(d[i]!.to - d[i]!.from).toBeLessThanOrEqual(120);
      expect(d[i]!.from).toBeGreaterThanOrEqual(60);
      expect(d[i]!.to).toBeLessThanOrEqual(3600);
      if (i > 0) expect(d[i]!.from).toBeGreaterThanOrEqual(d[i - 1]!.to);
    }
    expect(() => randomDropouts({ count: 3, length: [100, 100], duration: 200 })).toThrow(/do not fit/);
  });
});
