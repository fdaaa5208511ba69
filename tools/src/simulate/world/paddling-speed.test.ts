import { describe, expect, it } from "vitest";
import { PADDLING_SPEED, PaddlingSpeed } from "./paddling-speed.ts";
import { Prng } from "../prng.ts";

describe("PaddlingSpeed", () => {
  it("wanders around its mean, inside the paddling range, over a long day", () => {
    const s = new PaddlingSpeed(new Prng(1), { mean: 2.3, spread: 0.3 });
    const v = Array.from({ length: 36_000 }, () => s.step(1));
    expect(Math.min(...v)).toBeGreaterThanOrEqual(PADDLING_SPEED.min);
    expect(Math.max(...v)).toBeLessThanOrEqual(PADDLING_SPEED.max);
    expect(v.reduce((a, b) => a + b, 0) / v.length).toBeGreaterThan(2.1);
    // correlated: neighbours are close, distant seconds are not tied together
    expect(Math.max(...v.slice(1).map((x, i) => Math.abs(x - v[i]!)))).toBeLessThan(0.2);
    expect(Math.max(...v) - Math.min(...v)).toBeGreaterThan(0.3);
  });
});
