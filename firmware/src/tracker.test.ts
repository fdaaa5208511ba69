import { describe, expect, it } from "vitest";
import { randomSplits, readLog } from "./testing/corpus.ts";
import { Tracker } from "./tracker.ts";
import type { WireFix } from "./wire/batch.ts";

const LOG = "telit-he910.log";

/** Every kept fix and the counters from feeding `chunks` to a tracker. */
function run(chunks: string[]) {
  const kept: WireFix[] = [];
  const t = new Tracker({ sampler: { minIntervalS: 1, minDistanceM: 0 }, onFix: (f) => kept.push(f) });
  for (const c of chunks) t.feed(c);
  t.finish();
  return { kept, counters: t.counters() };
}

describe("Tracker", () => {
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
});
