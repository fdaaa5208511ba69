import { describe, expect, it } from "vitest";
import { Prng } from "../prng.ts";
import { dilution, Sky } from "./sky.ts";

describe("Sky", () => {
  it("shows 8–12 satellites in PRN order, moving slowly, in range all day", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const sky = new Sky(new Prng(seed));
      const prns = sky.prns;
      expect(prns.length).toBeGreaterThanOrEqual(8);
      expect(prns.length).toBeLessThanOrEqual(12);
      expect([...prns].sort((a, b) => a - b)).toEqual(prns);
      expect(new Set(prns).size).toBe(prns.length);
      let before = sky.at(0, 1, () => true, true);
      for (let t = 60; t < 12 * 3600; t += 60) {
        const now = sky.at(t, 60, () => true, true);
        for (let i = 0; i < now.length; i++) {
          const s = now[i]!;
          expect(s.elevation).toBeGreaterThanOrEqual(3);
          expect(s.elevation).toBeLessThanOrEqual(85);
          expect(s.azimuth).toBeGreaterThanOrEqual(0);
          expect(s.azimuth).toBeLessThan(360);
          expect(s.snr).toBeGreaterThanOrEqual(12);
          expect(s.snr).toBeLessThanOrEqual(50);
          expect(s.used).toBe(s.elevation >= 5);
          expect(Math.abs(s.elevation - before[i]!.elevation)).toBeLessThanOrEqual(2);
        }
        before = now;
      }
    }
  });

  it("has no signal from satellites the receiver is not tracking, and uses none without a fix", () => {
    const sats = new Sky(new Prng(1)).at(0, 1, (prn) => prn % 2 === 0, false);
    for (const s of sats) {
      expect(s.snr === undefined).toBe(s.prn % 2 === 1);
      expect(s.used).toBe(false);
    }
  });

  it("dilutes precision more with fewer satellites", () => {
    expect(dilution(10).hdop).toBeLessThan(dilution(5).hdop);
    const d = dilution(8);
    expect(d.pdop).toBeCloseTo(Math.hypot(d.hdop, d.vdop), 9);
    expect(dilution(0).hdop).toBeLessThanOrEqual(9.99);
  });
});
