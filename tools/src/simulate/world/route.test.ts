import { describe, expect, it } from "vitest";
import { routeFromSamples, type TruePosition } from "./route.ts";

const p = (time: number, lat: number, lon: number, moving = true): TruePosition => ({ time, lat, lon, alt: 0, speed: moving ? 2 : 0, course: 90, moving });

describe("routeFromSamples", () => {
  const route = routeFromSamples("test", [p(100, 46, 13), p(101, 46, 13.001, false), p(110, 46, 13.001, false)]);

  it("interpolates between samples and keeps the stretch's speed and course", () => {
    expect(route.start).toBe(100);
    expect(route.end).toBe(110);
    const mid = route.at(100.25);
    expect(mid.lon).toBeCloseTo(13.00025, 9);
    expect(mid).toMatchObject({ time: 100.25, lat: 46, speed: 2, course: 90, moving: true });
    expect(route.at(105)).toMatchObject({ lon: 13.001, speed: 0, moving: false });
  });

  it("stands still at its ends", () => {
    expect(route.at(50)).toMatchObject({ time: 50, lat: 46, lon: 13, speed: 0, moving: false });
    expect(route.at(200)).toMatchObject({ time: 200, lon: 13.001, speed: 0, moving: false });
  });

  it("refuses positions out of time order, naming them", () => {
    expect(() => routeFromSamples("bad", [p(5, 0, 0), p(4, 0, 0)])).toThrow(/position 1 \(time 4\) comes before position 0/);
    expect(() => routeFromSamples("empty", [])).toThrow(Error);
  });
});
