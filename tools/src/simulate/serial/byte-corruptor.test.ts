import { FixReader } from "@kayaktrack/firmware/fix-reader";
import { describe, expect, it } from "vitest";
import { ByteCorruptor } from "./byte-corruptor.ts";
import { distance } from "../world/geo.ts";
import { gpsEpochs } from "../gps/gps-receiver.ts";
import { neo6mSentences, nmeaText } from "../gps/neo6m-sentences.ts";
import { Prng } from "../prng.ts";
import { lakeLoop } from "../world/synthetic-routes.ts";

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => 32 + (i % 90));

describe("ByteCorruptor", () => {
  it("changes the share of bytes asked for, each to another byte", () => {
    const input = bytes(1_000_000);
    const c = new ByteCorruptor(0.01, 3);
    const { bytes: out, changed } = c.corrupt(input);
    expect(c.corrupted).toBe(changed.length);
    expect(changed.length).toBeGreaterThan(9_500);
    expect(changed.length).toBeLessThan(10_500);
    let differing = 0;
    for (let i = 0; i < input.length; i++) if (out[i] !== input[i]) differing++;
    expect(differing).toBe(changed.length);
    expect(input[changed[0]!]).toBe(32 + (changed[0]! % 90)); // the input is left alone
    expect(new ByteCorruptor(0).corrupt(input).changed).toEqual([]);
    expect(new ByteCorruptor(1).corrupt(bytes(100)).changed).toHaveLength(100);
  });

  it("corrupts the same bytes however the stream is cut, and repeats for a seed", () => {
    const input = bytes(50_000);
    const whole = new ByteCorruptor(0.02, 7).corrupt(input).bytes;
    const c = new ByteCorruptor(0.02, 7);
    const prng = new Prng(1);
    const parts: number[] = [];
    for (let i = 0; i < input.length; ) {
      const n = prng.int(1, 700);
      parts.push(...c.corrupt(input.subarray(i, i + n)).bytes);
      i += n;
    }
    expect(Uint8Array.from(parts)).toEqual(whole);
    expect(new ByteCorruptor(0.02, 8).corrupt(input).bytes).not.toEqual(whole);
  });

  it("refuses a rate that is not a fraction", () => {
    expect(() => new ByteCorruptor(1.5)).toThrow(/between 0 and 1/);
    expect(() => new ByteCorruptor(Number.NaN)).toThrow(Error);
  });

  it("on a NEO-6M feed, gives the firmware checksum failures, and no wrong position but where two changes cancel out in the checksum", () => {
    const epochs = [...gpsEpochs(lakeLoop({ seed: 2, duration: 7200 }), { seed: 2, coldStart: 27 })];
    const sentences = epochs.map(neo6mSentences);
    const clean = Buffer.from(nmeaText(sentences.flat()), "latin1");
    const { bytes: noisy, changed } = new ByteCorruptor(0.01, 2).corrupt(clean);

    // Which epoch each byte belongs to; which epochs hold a corrupted sentence whose checksum still holds.
    const epochOf: number[] = [];
    const lineStart: number[] = [];
    let at = 0;
    sentences.forEach((lines, k) => {
      for (const l of lines) {
        lineStart.push(at);
        for (let i = 0; i < l.length + 2; i++) epochOf[at++] = k;
      }
    });
    // the start of the sentence holding each changed byte (lineStart is sorted)
    const hit = new Set(changed.map((i) => {
      let lo = 0;
      for (let hi = lineStart.length; hi - lo > 1; ) {
        const mid = (lo + hi) >> 1;
        if (lineStart[mid]! <= i) lo = mid;
        else hi = mid;
      }
      return lineStart[lo]!;
    }));
    const undetected = new Set<number>();
    const firmware = new FixReader(() => {}).decoder;
    for (const start of hit) {
      const end = clean.indexOf("\r\n", start);
      const line = Buffer.from(noisy.subarray(start, end)).toString("latin1");
      // (a change in the CR LF leaves the sentence itself whole)
      if (line !== clean.subarray(start, end).toString("latin1") && firmware.decode(line)) undetected.add(epochOf[start]!);
    }

    const fixes: Array<{ time: number; lat: number; lon: number }> = [];
    const p = new FixReader((f) => fixes.push(f));
    p.framer.feed(Buffer.from(noisy).toString("latin1"));
    p.framer.feed("\n");
    p.assembler.finish();

    expect(p.decoder.badChecksum).toBeGreaterThan(1000);
    const byTime = new Map(epochs.map((e, k) => [Math.round(e.time), k]));
    let wrong = 0;
    for (const f of fixes) {
      const k = byTime.get(Math.round(f.time));
      const e = k === undefined ? undefined : epochs[k];
      if (e?.fix && distance(f, e.fix) < 0.01) continue;
      wrong++;
      // a wrong position comes only from an epoch (or its neighbour) with a corrupted sentence that passed the checksum
      expect(k !== undefined && (undetected.has(k) || undetected.has(k - 1) || undetected.has(k + 1))).toBe(true);
    }
    // XOR checksums miss about one in 256 sentences with two or more changed bytes: rare, not never
    expect(undetected.size).toBeLessThan(sentences.flat().length / 500);
    expect(wrong).toBeLessThanOrEqual(undetected.size);
    expect(fixes.length).toBeGreaterThan(epochs.length * 0.8);
  });
});
