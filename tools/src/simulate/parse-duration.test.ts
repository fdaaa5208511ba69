import { describe, expect, it } from "vitest";
import { parseDuration } from "./parse-duration.ts";

describe("parseDuration", () => {
  it("reads hours, minutes and seconds", () => {
    expect(parseDuration("2h")).toBe(7200);
    expect(parseDuration("90m")).toBe(5400);
    expect(parseDuration("1h30m15s")).toBe(5415);
    expect(parseDuration("1.5h")).toBe(5400);
    expect(parseDuration(" 45S ")).toBe(45);
    expect(parseDuration("600")).toBe(600);
  });

  it("names what it cannot read", () => {
    for (const bad of ["", "2 hours", "h", "1h1h", "-5m", "2d"]) expect(() => parseDuration(bad)).toThrow(/write it like 2h/);
  });
});
