import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.ts";

describe("parseDuration", () => {
  it("reads seconds and unit suffixes, and refuses anything else", () => {
    expect(["90", "30s", "15m", "2h", "7d", "1w", "1.5h"].map(parseDuration)).toEqual([90, 30, 900, 7200, 604800, 604800, 5400]);
    for (const bad of ["", "7 days", "-1m", "1y", "m"]) expect(parseDuration(bad), bad).toBeUndefined();
  });
});
