import { describe, expect, it } from "vitest";
import { distance } from "./geo.ts";
import { PADDLING_SPEED } from "./paddling-speed.ts";
import type { Route } from "./route.ts";
import { coastalDay, lakeLoop, syntheticRoute } from "./synthetic-routes.ts";

/** The true position every `step` seconds from start to end. */
function walk(route: Route, step = 1) {
  const out = [];
  for (let t = route.start; t <= route.end; t += step) out.push(route.at(t));
  return out;
}

describe("synthetic routes", () => {
  it("repeat exactly for a seed and differ between seeds", () => {
    for (const make of [lakeLoop, coastalDay]) {
      expect(walk(make({ seed: 9 }), 60)).toEqual(walk(make({ seed: 9 }), 60));
      expect(walk(make({ seed: 9 }), 60)).not.toEqual(walk(make({ seed: 10 }), 60));
    }
  });

  it("paddle at 1.5–2.5 m/s, measured from the positions themselves, with turns", () => {
    for (const route of [lakeLoop({ seed: 3 }), coastalDay({ seed: 3 })]) {
      const points = walk(route);
      let turns = 0;
      for (let i = 1; i < points.length; i++) {
        const a = points[i - 1]!;
        if (!a.moving) continue;
        expect(a.speed).toBeGreaterThanOrEqual(PADDLING_SPEED.min);
        expect(a.speed).toBeLessThanOrEqual(PADDLING_SPEED.max);
        expect(distance(a, points[i]!)).toBeCloseTo(a.speed, 3);
        const d = Math.abs(((points[i]!.course - a.course + 540) % 360) - 180);
        if (points[i]!.moving && d > 2) turns++;
      }
      expect(turns).toBeGreaterThan(10);
      // gentle: the speed changes by little from one second to the next
      const speeds = points.filter((p) => p.moving).map((p) => p.speed);
      for (let i = 1; i < speeds.length; i++) expect(Math.abs(speeds[i]! - speeds[i - 1]!)).toBeLessThan(0.1);
    }
  });

  it("the lake loop takes 1–2 h with a break of 5–15 minutes at the west end, stays at lake level and comes back near its start", () => {
    for (const seed of [1, 2, 3, 4]) {
      const route = lakeLoop({ seed });
      expect(route.end - route.start).toBeGreaterThan(3600 * 0.9);
      expect(route.end - route.start).toBeLessThan(3600 * 2);
      expect(distance(route.at(route.start), route.at(route.end))).toBeLessThan(15);
      expect(route.at(route.start + 1000).alt).toBe(525);
      expect(route.pauses).toHaveLength(1);
      const [stop] = route.pauses;
      expect(stop!.to - stop!.from).toBeGreaterThanOrEqual(300);
      expect(stop!.to - stop!.from).toBeLessThanOrEqual(900);
      // Ukanc: the westmost point of the loop, about 1.8 km west of the lake's middle.
      expect(route.at(stop!.from).lon).toBeLessThan(13.84);
      expect(route.at(stop!.from + 60).moving).toBe(false);
    }
  });

  it("the lake loop goes round again to fill a duration, with a break each time round", () => {
    const route = lakeLoop({ seed: 1, duration: 3 * 3600 });
    expect(route.end - route.start).toBe(3 * 3600);
    expect(route.pauses.length).toBeGreaterThanOrEqual(2);
    const still = route.pauses.reduce((s, p) => s + p.to - p.from, 0);
    expect(walk(route, 10).filter((p) => p.moving).length).toBeGreaterThan(0.95 * (3 * 3600 - still) / 10);
  });

  it("the coastal day is longer, with one or two breaks ashore of 10–30 minutes, standing still", () => {
    const counts = new Set<number>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const route = coastalDay({ seed });
      expect(route.end - route.start).toBeGreaterThan(4 * 3600);
      expect(route.at(route.start + 100).alt).toBe(0);
      counts.add(route.pauses.length);
      for (const p of route.pauses) {
        expect(p.to - p.from).toBeGreaterThanOrEqual(600);
        expect(p.to - p.from).toBeLessThanOrEqual(1800);
        const there = route.at(p.from);
        for (let t = p.from; t < p.to; t += 7) {
          const q = route.at(t);
          expect(q.moving).toBe(false);
          expect(q.speed).toBe(0);
          expect(distance(q, there)).toBe(0);
        }
        // and it paddles on after
        expect(route.at(p.to + 5).moving).toBe(true);
      }
    }
    expect([...counts].sort()).toEqual([1, 2]);
  });

  it("a duration cuts a long trip short", () => {
    const route = coastalDay({ seed: 1, duration: 1800 });
    expect(route.end - route.start).toBe(1800);
  });

  it("names the choices for an unknown name", () => {
    expect(syntheticRoute("lake-loop", { seed: 1 }).name).toBe("lake-loop");
    expect(() => syntheticRoute("ocean-crossing")).toThrow(/no synthetic route 'ocean-crossing'; choose one of lake-loop, coastal-day/);
  });
});
