import { describe, expect, it } from "vitest";
import { randomSplits, readLog } from "./testing/corpus.ts";
import { Tracker, type TrackerOptions } from "./tracker.ts";
import { dequantize, quantize, type WireFix } from "./wire/batch.ts";
import { decodeBatch } from "./wire/batch-decoder.ts";

const LOG = "telit-he910.log";

/** Every kept fix and every batch's bytes from feeding `chunks` to a tracker. */
function run(chunks: string[], options: Partial<TrackerOptions> = {}) {
  const kept: WireFix[] = [];
  const batches: Array<{ seq: number; bytes: number[] }> = [];
  const t = new Tracker({
    device: 4, battery: () => 80, sampler: { minIntervalS: 1, minDistanceM: 0 }, ...options,
    onFix: (f) => kept.push(f),
    onBatch: (b, seq) => batches.push({ seq, bytes: [...b] }),
  });
  for (const c of chunks) t.feed(c);
  t.finish();
  return { kept, batches, counters: t.counters() };
}

describe("Tracker", () => {
  it("sends every kept fix once, in batches of batchSize numbered from seq", () => {
    const { kept, batches, counters } = run([readLog(LOG)], { batchSize: 50, seq: 10 });
    expect(kept.length).toBeGreaterThan(100);
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => 10 + i));
    const decoded = batches.map((b) => decodeBatch(Uint8Array.from(b.bytes)));
    expect(decoded.slice(0, -1).every((d) => d.fixes.length === 50)).toBe(true);
    expect(decoded.flatMap((d) => d.fixes)).toEqual(kept.map((f) => dequantize(quantize(f))));
    expect(decoded.at(-1)!.counters).toEqual(counters);
    expect(decoded[0]!.battery).toBe(80);
  });

  it("gives the same batches whole, byte by byte and in random splits", () => {
    const text = readLog(LOG);
    const whole = run([text]);
    expect(run([...text])).toEqual(whole);
    for (const seed of [4, 5, 6]) expect(run(randomSplits(text, seed))).toEqual(whole);
  });
});
