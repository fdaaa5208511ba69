import { describe, expect, it } from "vitest";
import { dequantize, quantize, type WireFix } from "./batch.ts";
import { decodeBatch } from "./batch-decoder.ts";
import { BatchWriter, MAX_FIX_BYTES } from "./batch-writer.ts";
import { MAX_VARINT, writeVarint } from "./varint.ts";

const header = { device: 9, seq: 1, batteryVolts: null, counters: [1, 2] };
const fix = (i: number, extra: Partial<WireFix> = {}): WireFix => ({
  time: 1.78e9 + i, lat: 59.9 + i * 1e-4, lon: 10.7 - i * 2e-4, alt: 3, speed: 2, course: 90 + i, hdop: 0.8, sats: 9, ...extra,
});
const onWire = (f: WireFix) => dequantize(quantize(f));

describe("BatchWriter", () => {
  it("starts each batch afresh after finish(), the first fix in full again", () => {
    const w = new BatchWriter(1000);
    for (let i = 0; i < 5; i++) w.add(fix(i));
    const first = decodeBatch(w.finish(header));
    expect(w.count).toBe(0);
    for (let i = 5; i < 8; i++) w.add(fix(i));
    const second = decodeBatch(w.finish({ ...header, seq: 2 }));
    expect(first.fixes).toEqual([0, 1, 2, 3, 4].map((i) => onWire(fix(i))));
    expect(second).toEqual({
      ...header, version: 2, batteryPercent: null, sos: 0, seq: 2, fixes: [5, 6, 7].map((i) => onWire(fix(i))), quantized: new Float64Array([5, 6, 7].flatMap((i) => quantize(fix(i)))),
    });
  });

  it("says when it is full instead of writing past its buffer", () => {
    const w = new BatchWriter(3 * MAX_FIX_BYTES);
    // Fixes as far apart as the wire allows cost the most bytes.
    const far = (i: number) => fix(i * 1e6, { lat: i % 2 ? 89 : -89, lon: i % 2 ? 179 : -179, alt: i % 2 ? 9e6 : -9e6, speed: i % 2 ? 300 : 0 });
    let added = 0;
    while (w.add(far(added))) added++;
    expect(w.full()).toBe(true);
    expect(added).toBeGreaterThanOrEqual(3);
    expect(decodeBatch(w.finish(header)).fixes).toEqual(Array.from({ length: added }, (_, i) => onWire(far(i))));
  });

  it("throws on a value the wire cannot carry instead of writing a wrong byte", () => {
    // A seq of the rule before issue 20 for a GPS date before 2023-11-14 was negative: one truncated byte went on air.
    for (const seq of [-5_227_411_420, -1, 0.5, NaN, Infinity, MAX_VARINT + 1]) {
      const w = new BatchWriter(1000);
      w.add(fix(0));
      expect(() => w.finish({ ...header, seq }), String(seq)).toThrow(/cannot encode/);
    }
    expect(() => new BatchWriter(1000).add(fix(0, { time: -0.5 }))).toThrow(/cannot encode/);
    expect(() => new BatchWriter(1000).add(fix(0, { lat: NaN }))).toThrow(/cannot encode/);
    // The largest value fits in 8 bytes, which the decoder reads.
    const out = new Uint8Array(9);
    expect(writeVarint(out, 0, MAX_VARINT)).toBe(8);
    const w = new BatchWriter(1000);
    w.add(fix(0));
    expect(decodeBatch(w.finish({ ...header, seq: MAX_VARINT })).seq).toBe(MAX_VARINT);
  });
});
