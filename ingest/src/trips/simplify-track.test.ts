import { describe, expect, it } from "vitest";
import { MAX_DISPLAY_POINTS, simplifyIndices, simplifyTrack } from "./simplify-track.ts";

/** `n` points east along the equator, every other one `amplitude` degrees north: Douglas–Peucker's worst case. */
const zigzag = (n: number, amplitude: number) => Array.from({ length: n }, (_, i) => ({ lon: i * 1e-5, lat: i % 2 ? amplitude : 0 }));

describe("simplifyTrack", () => {
  it("keeps a line's corners and ends, and drops what lies within a pixel of it", () => {
    // Along the equator, then north: 201 points, 3 of them corners or ends.
    const fixes = [...Array.from({ length: 101 }, (_, i) => ({ lon: i * 1e-4, lat: 0 })), ...Array.from({ length: 100 }, (_, i) => ({ lon: 0.01, lat: (i + 1) * 1e-4 }))];
    expect(simplifyTrack(fixes, 12)).toEqual([[0, 0], [0.01, 0], [0.01, 0.01]]);
  });

  it("gives each point once, in order, across the spans it works in", () => {
    const straight = Array.from({ length: 4500 }, (_, i) => ({ lon: i * 1e-5, lat: 0 }));
    const kept = simplifyIndices(straight, 16);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(4499);
    expect(kept).toEqual([0, 4499]);
    expect([...kept].sort((a, b) => a - b)).toEqual([...new Set(kept)]);
  });

  it("holds at most MAX_DISPLAY_POINTS however detailed the zoom", () => {
    // Every corner is 1e-3 degrees, about 20 pixels at zoom 18, from the line without it.
    const kept = simplifyIndices(zigzag(20_000, 1e-3), 18);
    expect(kept.length).toBeLessThanOrEqual(MAX_DISPLAY_POINTS);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(19_999);
  });

  it("simplifies a 200,000-point zigzag a hostile device could send, quickly and without overflowing the stack", () => {
    const started = performance.now();
    const kept = simplifyIndices(zigzag(200_000, 1e-3), 16);
    expect(kept.length).toBeLessThanOrEqual(MAX_DISPLAY_POINTS);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
