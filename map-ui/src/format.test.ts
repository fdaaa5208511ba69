import { describe, expect, it } from "vitest";
import { formatAgo, formatDistance, formatDuration, formatSpan, formatSpeed } from "./format.ts";

describe("format", () => {
  it("writes distances in metres, then kilometres", () => {
    expect(formatDistance(999.4)).toBe("999 m");
    expect(formatDistance(12_345)).toBe("12.35 km");
    expect(formatDistance(123_456)).toBe("123.5 km");
  });

  it("writes durations with the two largest units", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(750)).toBe("12 min 30 s");
    expect(formatDuration(3 * 3600 + 5 * 60 + 59)).toBe("3 h 05 min");
  });

  it("writes speeds in km/h and unknowns as a dash", () => {
    expect(formatSpeed(1)).toBe("3.6 km/h");
    expect(formatSpeed(null)).toBe("–");
  });

  it("says how long ago, never negative", () => {
    expect(formatAgo(-500)).toBe("just now");
    expect(formatAgo(12_400)).toBe("12 s ago");
    expect(formatAgo(5 * 60_000)).toBe("5 min ago");
    expect(formatAgo(3 * 3600_000)).toBe("3 h ago");
    expect(formatAgo(3 * 86_400_000)).toBe("3 d ago");
  });

  it("writes a share's spans in their largest whole unit", () => {
    expect(formatSpan(0)).toBe("none");
    expect(formatSpan(900)).toBe("15 min");
    expect(formatSpan(7200)).toBe("2 h");
    expect(formatSpan(7 * 86_400)).toBe("7 d");
    expect(formatSpan(90)).toBe("90 s");
  });
});
