import { describe, expect, it } from "vitest";
import { indexAt, positionAt, type Track } from "./track.ts";

const track: Track = { time: [100, 110, 130], lat: [60, 60.1, 60.1], lon: [10, 10, 10.2], alt: [1, 2, 3], speed: [null, 2, 4] };

describe("track positions", () => {
  it("finds the point at or before a time", () => {
    expect(indexAt(track, 0)).toBe(0);
    expect(indexAt(track, 100)).toBe(0);
    expect(indexAt(track, 109.9)).toBe(0);
    expect(indexAt(track, 110)).toBe(1);
    expect(indexAt(track, 500)).toBe(2);
  });

  it("interpolates between points in time, with the speed of the segment", () => {
    const p = positionAt(track, 120);
    expect(p.lat).toBeCloseTo(60.1, 9);
    expect(p.lon).toBeCloseTo(10.1, 9);
    expect(p.speed).toBe(4);
    expect(positionAt(track, 105).lat).toBeCloseTo(60.05, 9);
    expect(positionAt(track, 1000)).toMatchObject({ lat: 60.1, lon: 10.2, index: 2 });
  });
});
