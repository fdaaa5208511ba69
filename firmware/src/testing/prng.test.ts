import { describe, expect, it } from "vitest";
import { mulberry32 } from "./prng.ts";

describe("mulberry32", () => {
  it("repeats its sequence for a seed, stays in [0, 1) and spreads evenly", () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(mulberry32(8)()).not.toBe(mulberry32(7)());
  });
});
