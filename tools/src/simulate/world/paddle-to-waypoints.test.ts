import { describe, expect, it } from "vitest";
import { distance, offset } from "./geo.ts";
import { paddleToWaypoints } from "./paddle-to-waypoints.ts";
import { Prng } from "../prng.ts";

const home = { lat: 60.0, lon: 10.0 };

describe("paddleToWaypoints", () => {
  it("passes every waypoint in turn, rests at a pause, and ends at the last", () => {
    const a = offset(home, 500, 0);
    const b = offset(home, 500, 500);
    const { samples, pauses } = paddleToWaypoints({
      start: 1000, from: home, waypoints: [a, { ...b, pause: 120 }, home], prng: new Prng(1), alt: 3,
    });
    const near = (w: typeof a) => samples.findIndex((s) => distance(s, w) < 15);
    expect(near(a)).toBeGreaterThan(0);
    expect(near(b)).toBeGreaterThan(near(a));
    expect(pauses).toHaveLength(1);
    expect(pauses[0]!.to - pauses[0]!.from).toBe(120);
    const last = samples[samples.length - 1]!;
    expect(distance(last, home)).toBeLessThan(12);
    expect(last).toMatchObject({ moving: false, speed: 0, alt: 3 });
    // ~1.5 km at ~2 m/s, plus the pause
    expect(last.time - 1000).toBeGreaterThan(1500 / 2.5 + 120);
    expect(last.time - 1000).toBeLessThan(1500 / 1.5 + 120 + 60);
  });

  it("refuses a route that cannot end", () => {
    expect(() => paddleToWaypoints({ start: 0, from: home, waypoints: [], prng: new Prng(1), alt: 0 })).toThrow(/at least one waypoint/);
    expect(() => paddleToWaypoints({ start: 0, from: home, waypoints: [home], prng: new Prng(1), alt: 0, loop: true })).toThrow(/end time/);
  });
});
