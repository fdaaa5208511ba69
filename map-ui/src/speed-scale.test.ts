import { describe, expect, it } from "vitest";
import { SPEED_BANDS, speedBand, speedColor, UNKNOWN_SPEED_COLOR } from "./speed-scale.ts";

describe("speed scale", () => {
  it("puts a speed in m/s into its km/h band, edges going up", () => {
    expect(speedBand(0)).toBe(0);
    expect(speedBand(1.9 / 3.6)).toBe(0);
    expect(speedBand(2 / 3.6 + 1e-9)).toBe(1);
    expect(speedBand(5 / 3.6)).toBe(2);
    expect(speedBand(100)).toBe(SPEED_BANDS.length - 1);
  });

  it("colours unknown speeds grey", () => {
    expect(speedBand(null)).toBe(-1);
    expect(speedColor(undefined)).toBe(UNKNOWN_SPEED_COLOR);
    expect(speedColor(NaN)).toBe(UNKNOWN_SPEED_COLOR);
  });

  it("covers every speed once, with a label for the legend", () => {
    for (let i = 1; i < SPEED_BANDS.length; i++) expect(SPEED_BANDS[i]!.from).toBe(SPEED_BANDS[i - 1]!.to);
    expect(SPEED_BANDS.map((b) => b.label)).toContain("10+ km/h");
  });
});
