import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.ts";

describe("parseDuration", () => {
  it("reads seconds and unit suffixes, and refuses anything else", () => {
    expect(["90", "30s", "15m", "2h", "7d", "1w", "1.5h"].map(parseDuration)).toEqual([90, 30, 900, 7200, 604800, 604800, 5400]);
    for (const bad of ["", "7 days", "-1m", "1y", "m"]) expect(parseDuration(bad), bad).toBeUndefined();
  });

  it("reads the command line's forms too: parts from the largest unit down, capitals, spaces around", () => {
    expect(["1h30m15s", "1d12h", " 45S ", "30 s", "600"].map(parseDuration)).toEqual([5415, 129600, 45, 30, 600]);
    for (const bad of ["1h1h", "30m1h", "2 hours", "h"]) expect(parseDuration(bad), bad).toBeUndefined();
  });
});
