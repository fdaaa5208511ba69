import { describe, expect, it } from "vitest";
import { bearing, destination, distance, offset, turn } from "./geo.ts";

describe("geo", () => {
  it("measures a known distance: one minute of latitude is one nautical mile", () => {
    expect(distance({ lat: 46, lon: 13 }, { lat: 46 + 1 / 60, lon: 13 })).toBeCloseTo(1853.2, 0);
  });

  it("goes and comes back: destination inverts distance and bearing", () => {
    const a = { lat: 37.08, lon: -8.67 };
    for (const course of [0, 45, 135, 200, 359]) {
      const b = destination(a, course, 1234.5);
      expect(distance(a, b)).toBeCloseTo(1234.5, 6);
      expect(bearing(a, b)).toBeCloseTo(course, 6);
    }
  });

  it("offsets in metres north and east", () => {
    const a = { lat: 46.28, lon: 13.86 };
    expect(distance(a, offset(a, 3, 4))).toBeCloseTo(5, 3);
    expect(bearing(a, offset(a, 0, 10))).toBeCloseTo(90, 3);
  });

  it("turns the short way round", () => {
    expect(turn(350, 10)).toBe(20);
    expect(turn(10, 350)).toBe(-20);
    expect(turn(0, 180)).toBe(180);
  });
});
