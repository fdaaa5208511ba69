import { describe, expect, it } from "vitest";
import { distance } from "./geo.ts";
import { syntheticRoute } from "./synthetic-routes.ts";
import { withStopOnWater } from "./stop-on-water.ts";

describe("withStopOnWater", () => {
  it("holds the boat where it was for the stop, then goes on from there, the trip that much longer", () => {
    const route = syntheticRoute("lake-loop", { start: 1_780_000_000, seed: 1 });
    const stopped = withStopOnWater(route, 600, 900);
    const s = route.start;
    expect(stopped.end).toBe(route.end + 900);
    expect(stopped.at(s + 300)).toEqual(route.at(s + 300));
    const there = route.at(s + 600);
    for (const t of [600, 900, 1499]) {
      const p = stopped.at(s + t);
      expect([p.lat, p.lon, p.speed, p.moving, p.time]).toEqual([there.lat, there.lon, 0, false, s + t]);
    }
    const after = stopped.at(s + 1500 + 60);
    const was = route.at(s + 660);
    expect(distance(after, was)).toBeLessThan(1e-6);
    expect(after.time).toBe(s + 1560);
    expect(stopped.pauses).toContainEqual({ from: s + 600, to: s + 1500 });
  });
});
