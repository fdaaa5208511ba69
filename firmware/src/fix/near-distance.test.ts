import { describe, expect, it } from "vitest";
import { nearDistanceM } from "./near-distance.ts";

describe("nearDistanceM", () => {
  it("measures short distances within a centimetre of a metre", () => {
    expect(nearDistanceM(0, 0, 0, 0.001)).toBeCloseTo(111.32, 2);
    expect(nearDistanceM(60, 10, 60.001, 10)).toBeCloseTo(111.32, 2);
  });
});
