import { describe, expect, it } from "vitest";
import { seconds } from "../commands/simulate.ts";

const parseDuration = (text: string) => seconds("duration", text);

describe("kayaktrack simulate's duration options", () => {
  it("reads hours, minutes and seconds", () => {
    expect(parseDuration("2h")).toBe(7200);
    expect(parseDuration("90m")).toBe(5400);
    expect(parseDuration("1h30m15s")).toBe(5415);
    expect(parseDuration("1.5h")).toBe(5400);
    expect(parseDuration(" 45S ")).toBe(45);
    expect(parseDuration("600")).toBe(600);
  });

  it("names what it cannot read", () => {
    for (const bad of ["", "2 hours", "h", "1h1h", "-5m", "2y"]) expect(() => parseDuration(bad)).toThrow(/write it like 2h/);
  });
});
