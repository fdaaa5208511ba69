import { describe, expect, it } from "vitest";
import { scaledClock } from "./scaled-clock.ts";

describe("scaledClock", () => {
  it("fires timeouts speedup times sooner and reports the scaled time", async () => {
    const clock = scaledClock(50);
    const t0 = clock.now();
    const wall0 = performance.now();
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 1000));
    const wall = performance.now() - wall0;
    expect(wall).toBeGreaterThanOrEqual(15);
    expect(wall).toBeLessThan(500);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(990);
  });

  it("cancels a timeout, and refuses a speedup that is not a positive number", async () => {
    const clock = scaledClock(100);
    let fired = false;
    clock.clearTimeout(clock.setTimeout(() => (fired = true), 100));
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(false);
    expect(() => scaledClock(0)).toThrow(/positive/);
    expect(() => scaledClock(Number.NaN)).toThrow(/positive/);
  });
});
