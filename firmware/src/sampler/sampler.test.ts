import { describe, expect, it } from "vitest";
import type { GpsFix } from "../fix/gps-fix.ts";
import { Sampler } from "./sampler.ts";

const fix = (time: number, lat: number, lon: number, extra: Partial<GpsFix> = {}): GpsFix => ({
  time, lat, lon, alt: 1, speed: 2, course: 90, hdop: 0.9, sats: 8, quality: 1, ...extra,
});
/** n fixes a second apart heading east at `speed` m/s from 59.9 N. */
const east = (n: number, speed: number, t0 = 1e9) =>
  Array.from({ length: n }, (_, i) => fix(t0 + i, 59.9, 10.7 + (i * speed) / (111_320 * Math.cos((59.9 * Math.PI) / 180)), { speed }));

describe("Sampler (kayaking defaults)", () => {
  it("keeps a fix about every 25 m while paddling", () => {
    const s = new Sampler();
    const kept = east(600, 2).filter((f) => s.offer(f));
    expect(kept.length).toBe(Math.ceil(600 / 13)); // 2 m/s: every 13 s reaches 26 m
  });

  it("keeps one fix every 2 minutes when the boat stands still, so the card does not fill", () => {
    const s = new Sampler();
    const still = Array.from({ length: 3600 }, (_, i) => fix(1e9 + i, 59.9 + ((i % 5) - 2) * 1e-6, 10.7, { speed: 0.1, course: (i * 37) % 360 }));
    expect(still.filter((f) => s.offer(f))).toHaveLength(30);
  });

  it("keeps a turn before the distance is reached, and refuses poor fixes", () => {
    const s = new Sampler();
    expect(s.offer(fix(0, 59.9, 10.7))).toBe(true);
    expect(s.offer(fix(6, 59.90001, 10.7, { course: 130 }))).toBe(true); // 40° turn after 6 s
    expect(s.offer(fix(3, 59.9, 10.7))).toBe(false); // too soon
    expect(s.offer(fix(200, 59.9, 10.7, { sats: 3 }))).toBe(false);
    expect(s.offer(fix(201, 59.9, 10.7, { hdop: 9 }))).toBe(false);
    expect([s.seen, s.kept, s.poor]).toEqual([5, 2, 2]);
  });
});
