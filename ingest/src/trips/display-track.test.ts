import { describe, expect, it } from "vitest";
import { DISPLAY_SAMPLES, displayTrack } from "./display-track.ts";

const fix = (i: number, speed: number | null, lon = 10 + i * 1e-5) => ({ time: 1000 + i, lat: 59.9, lon, alt: i % 5, speed });

describe("displayTrack", () => {
  it("keeps evenly spaced samples along a straight leg, with the mean speed since the previous point", () => {
    const fixes = Array.from({ length: 10_000 }, (_, i) => fix(i, i < 5000 ? 1 : 3));
    const t = displayTrack(fixes, 14);
    expect(t.time.length).toBeGreaterThanOrEqual(DISPLAY_SAMPLES);
    expect(t.time.length).toBeLessThanOrEqual(DISPLAY_SAMPLES + 2);
    for (const column of [t.lon, t.lat, t.alt, t.speed]) expect(column).toHaveLength(t.time.length);
    expect(t.time[0]).toBe(1000);
    expect(t.time.at(-1)).toBe(1000 + 9999);
    expect(t.speed[1]).toBe(1);
    expect(t.speed.at(-1)).toBe(3);
    // The segment across the change of speed averages both.
    const across = t.time.findIndex((time) => time > 1000 + 5000);
    expect(t.speed[across]).toBeGreaterThan(1);
    expect(t.speed[across]).toBeLessThanOrEqual(3);
    expect([...t.time]).toEqual([...t.time].sort((a, b) => a - b));
  });

  it("keeps the corners of the line, so the shape is exact at the zoom", () => {
    // East for 100 fixes, then north for 100: the corner fix is kept.
    const fixes = Array.from({ length: 200 }, (_, i) => ({ time: i, lat: 59.9 + Math.max(0, i - 99) * 1e-3, lon: 10 + Math.min(i, 99) * 1e-3, alt: null, speed: 2 }));
    const t = displayTrack(fixes, 10);
    const corner = t.time.indexOf(99);
    expect(corner).toBeGreaterThan(0);
    expect(t.lon[corner]).toBeCloseTo(10.099, 9);
  });

  it("derives a speed from the distance where fixes have none", () => {
    // 1e-5 degrees of longitude at 59.9° N is about 0.56 m, a second apart.
    const t = displayTrack(Array.from({ length: 10 }, (_, i) => fix(i, null)), 18);
    expect(t.speed[0]).toBeNull();
    expect(t.speed.at(-1)).toBeCloseTo(0.56, 1);
  });

  it("gives an empty track for no fixes", () => {
    expect(displayTrack([], 10)).toEqual({ time: [], lon: [], lat: [], alt: [], speed: [] });
  });
});
