import { describe, expect, it } from "vitest";
import { GaussMarkovError } from "./gps-error.ts";
import { Prng } from "../prng.ts";

describe("GaussMarkovError", () => {
  const run = (seed: number, n: number) => {
    const e = new GaussMarkovError(new Prng(seed));
    return Array.from({ length: n }, () => e.step(1));
  };

  it("stays within a few metres, with the sigma asked for", () => {
    const errors = run(1, 50_000);
    const horizontal = errors.map((e) => Math.hypot(e.north, e.east));
    expect(Math.max(...horizontal)).toBeLessThan(9);
    const rms = Math.sqrt(errors.reduce((s, e) => s + e.north ** 2, 0) / errors.length);
    expect(rms).toBeGreaterThan(1.2);
    expect(rms).toBeLessThan(1.9);
  });

  it("is correlated from one second to the next, unlike white noise", () => {
    const errors = run(2, 20_000);
    const steps = errors.slice(1).map((e, i) => Math.hypot(e.north - errors[i]!.north, e.east - errors[i]!.east));
    const meanStep = steps.reduce((a, b) => a + b, 0) / steps.length;
    // white noise of the same size would jump ~2.7 m a second
    expect(meanStep).toBeLessThan(0.8);
  });

  it("repeats for a seed", () => {
    expect(run(3, 10)).toEqual(run(3, 10));
  });
});
