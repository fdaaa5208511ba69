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

  it("keeps a straight line across many spans to its ends, and a point in every 17 spans", () => {
    const straight = Array.from({ length: 4500 }, (_, i) => ({ lon: i * 1e-5, lat: 0 })); // 18 spans of 250
    expect(simplifyIndices(straight, 16)).toEqual([0, 17 * 250, 4499]);
    expect(simplifyIndices(straight.slice(0, 4001), 16)).toEqual([0, 4000]);
  });

  it("holds at most MAX_DISPLAY_POINTS however detailed the zoom", () => {
    // Every corner is 1e-3 degrees, about 20 pixels at zoom 18, from the line without it.
    const kept = simplifyIndices(zigzag(20_000, 1e-3), 18);
    expect(kept.length).toBeLessThanOrEqual(MAX_DISPLAY_POINTS);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(19_999);
  });

  it("simplifies a 200,000-point zigzag a hostile device could send, without overflowing the stack", () => {
    // Before spans: a stack overflow (a 500), and otherwise 200,000² steps; now about 2 s on a busy CI machine.
    const kept = simplifyIndices(zigzag(200_000, 1e-3), 16);
    expect(kept.length).toBeLessThanOrEqual(MAX_DISPLAY_POINTS);
  }, 60_000);

  it("keeps every point of a wandering track within a pixel of the line, across the spans", () => {
    // A seeded random walk of 5,000 points, steps of up to 2e-5 degrees (about 2 m).
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let lon = 0;
    let lat = 0;
    const walk = Array.from({ length: 5000 }, () => ({ lon: (lon += (random() - 0.3) * 2e-5), lat: (lat += (random() - 0.5) * 2e-5) }));
    const zoom = 17;
    const pixel = 360 / (256 * 2 ** zoom);
    const kept = simplifyIndices(walk, zoom);
    expect(kept.length).toBeLessThan(walk.length / 2);
    expect(kept.every((k, j) => j === 0 || k > kept[j - 1]!)).toBe(true);
    let worst = 0;
    for (let j = 1; j < kept.length; j++) {
      const [a, b] = [walk[kept[j - 1]!]!, walk[kept[j]!]!];
      for (let k = kept[j - 1]! + 1; k < kept[j]!; k++) worst = Math.max(worst, offSegment(walk[k]!, a, b));
    }
    expect(worst).toBeLessThanOrEqual(pixel);
  });
});

/** Distance in degrees (as a plane) from `p` to the segment a–b. */
function offSegment(p: { lon: number; lat: number }, a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const dx = b.lon - a.lon;
  const dy = b.lat - a.lat;
  const t = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, ((p.lon - a.lon) * dx + (p.lat - a.lat) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(p.lon - (a.lon + t * dx), p.lat - (a.lat + t * dy));
}
