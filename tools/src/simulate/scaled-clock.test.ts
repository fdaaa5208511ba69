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
    // Node's timers may fire up to a millisecond early by performance.now() (libuv keeps its loop
    // time in whole milliseconds): at 50× that is 50 ms of the scaled clock (CI saw 986).
    expect(clock.now() - t0).toBeGreaterThanOrEqual(1000 - 50);
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
