import { describe, expect, it } from "vitest";
import { distance, offset } from "./geo.ts";
import { paddleAlongPath } from "./paddle-along-path.ts";
import { PADDLING_SPEED } from "./paddling-speed.ts";
import { Prng } from "../prng.ts";

describe("paddleAlongPath", () => {
  const a = { lat: 61, lon: 7, alt: 0 };
  const b = { ...offset(a, 1000, 0), alt: 10 };
  const c = { ...offset(b, 0, 500), alt: 10 };

  it("moves along the path second by second at paddling speed, to its end", () => {
    const samples = paddleAlongPath([a, a, b, c], 100, new Prng(1));
    expect(samples[0]).toMatchObject({ time: 100, lat: a.lat, lon: a.lon, course: 0 });
    for (let i = 1; i < samples.length; i++) {
      const s = samples[i - 1]!;
      if (!s.moving) continue;
      if (i < samples.length - 1) expect(samples[i]!.time - s.time).toBe(1);
      expect(s.speed).toBeGreaterThanOrEqual(PADDLING_SPEED.min);
      expect(s.speed).toBeLessThanOrEqual(PADDLING_SPEED.max);
      // a step is the speed, a little less where it cuts the corner
      const dt = samples[i]!.time - s.time;
      expect(distance(s, samples[i]!)).toBeLessThanOrEqual(s.speed * dt + 1e-6);
      expect(distance(s, samples[i]!)).toBeGreaterThan(s.speed * dt * 0.7);
    }
    const last = samples[samples.length - 1]!;
    expect(last).toMatchObject({ lat: c.lat, lon: c.lon, alt: 10, speed: 0, moving: false });
    const mid = samples.find((s) => s.time === 100 + 200)!;
    expect(mid.alt).toBeGreaterThan(0);
    expect(mid.alt).toBeLessThan(10);
  });

  it("stands still on a one-point path and refuses an empty one", () => {
    expect(paddleAlongPath([a], 5, new Prng(1))).toEqual([{ time: 5, lat: 61, lon: 7, alt: 0, speed: 0, course: 0, moving: false }]);
    expect(() => paddleAlongPath([], 0, new Prng(1))).toThrow(/empty path/);
  });
});
