import { describe, expect, it } from "vitest";
import { NOT_BEFORE_DAY, ROLLOVER_DAYS } from "./fix/week-rollover.ts";
import { randomSplits, readLog } from "./testing/corpus.ts";
import { nmeaEpoch } from "./testing/nmea-epoch.ts";
import { FixKeeper } from "./fix-keeper.ts";
import type { WireFix } from "./wire/batch.ts";

const LOG = "telit-he910.log";

/** Every kept fix and the counters from feeding `chunks` to a tracker. */
function run(chunks: string[]) {
  const kept: WireFix[] = [];
  const t = new FixKeeper({ sampler: { minIntervalS: 1, minDistanceM: 0 }, onFix: (f) => kept.push(f) });
  for (const c of chunks) t.feed(c);
  t.finish();
  return { kept, counters: t.counters() };
}

describe("FixKeeper", () => {
  it("keeps the sampler's fixes and counts what it saw", () => {
    const { kept, counters } = run([readLog(LOG)]);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.every((f, i) => i === 0 || f.time - kept[i - 1]!.time >= 1)).toBe(true);
    expect(counters[3]).toBe(kept.length); // kept
    expect(counters[2]).toBeGreaterThanOrEqual(kept.length); // seen
  });

  it("gives the same fixes whole, byte by byte and in random splits", () => {
    const text = readLog(LOG);
    const whole = run([text]);
    expect(run([...text])).toEqual(whole);
    for (const seed of [4, 5, 6]) expect(run(randomSplits(text, seed))).toEqual(whole);
  });

  it("after keepAfter(n), passes over n fixes and keeps the next, however near the last kept one (a wake-up)", () => {
    const kept: WireFix[] = [];
    const t = new FixKeeper({ sampler: { minIntervalS: 10, minDistanceM: 100, maxIntervalS: 600 }, onFix: (f) => kept.push(f) });
    const T0 = Date.UTC(2026, 11, 6, 10, 0, 0) / 1000;
    const epoch = (i: number) => nmeaEpoch({ time: T0 + i, lat: 59.9 + i * 1e-6, lon: 10.7, speed: 0.1, course: 90 });
    for (let i = 0; i < 20; i++) t.feed(epoch(i));
    // The first fix is epoch 1's (a date needs two RMCs); then 10 cm a second is never 100 m.
    expect(kept.map((f) => f.time - T0)).toEqual([1]);
    t.keepAfter(3);
    for (let i = 20; i < 40; i++) t.feed(epoch(i));
    t.finish();
    // An epoch's fix is assembled when the next begins: 19, 20 and 21 are passed over, 22 is kept.
    expect(kept.map((f) => f.time - T0)).toEqual([1, 22]);
  });

  describe("GPS dates", () => {
    const ROLLOVER_S = ROLLOVER_DAYS * 86_400;
    const TODAY = Date.UTC(2026, 11, 6, 10, 0, 0) / 1000;
    const trip = (t0: number, n = 5) => Array.from({ length: n }, (_, i) => nmeaEpoch({ time: t0 + i, lat: 59.9 + i * 1e-4, lon: 10.7, speed: 2, course: 90 })).join("");
    const times = (text: string, startDay?: number) => {
      const kept: number[] = [];
      const t = new FixKeeper({ sampler: { minIntervalS: 1, minDistanceM: 0 }, ...(startDay === undefined ? {} : { startDay }), onFix: (f) => kept.push(f.time) });
      t.feed(text);
      t.finish();
      return kept;
    };

    it("moves a date 1,024 weeks early (a receiver with the week-rollover bug) on to the true one, as gpsd does", () => {
      // The first RMC's date waits for the second's (corroboration), so the first epoch is dropped.
      const want = [1, 2, 3, 4].map((i) => TODAY + i);
      expect(times(trip(TODAY - ROLLOVER_S))).toEqual(want);
      expect(times(trip(TODAY - 2 * ROLLOVER_S))).toEqual(want); // two rollovers: a receiver from before 1999
      // Whatever the board's clock says: 1970 (no backup battery), or today.
      expect(times(trip(TODAY - ROLLOVER_S), 0)).toEqual(want);
      expect(times(trip(TODAY - ROLLOVER_S), Math.floor(TODAY / 86_400))).toEqual([0, 1, 2, 3, 4].map((i) => TODAY + i));
    });

    it("trusts every other date the GPS gives, far from the board's clock either way", () => {
      const window = [NOT_BEFORE_DAY * 86_400 + 3600, TODAY + 3 * 365 * 86_400, (NOT_BEFORE_DAY + ROLLOVER_DAYS) * 86_400 - 3600];
      for (const t0 of window) {
        expect(times(trip(t0), 0)).toEqual([1, 2, 3, 4].map((i) => t0 + i));
        expect(times(trip(t0), Math.floor(TODAY / 86_400) - 5000)).toEqual([1, 2, 3, 4].map((i) => t0 + i));
      }
    });

    it("crosses midnight into the next day, and a new year, after a rollover is moved on", () => {
      const eve = Date.UTC(2026, 11, 31, 23, 59, 58) / 1000;
      expect(times(trip(eve - ROLLOVER_S))).toEqual([1, 2, 3, 4].map((i) => eve + i));
    });
  });
});
