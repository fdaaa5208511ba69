import { describe, expect, it } from "vitest";
import { Prng } from "./prng.ts";

const draw = (p: Prng, n: number) => Array.from({ length: n }, () => p.next());

describe("Prng", () => {
  it("repeats for a seed and differs between seeds and forks", () => {
    expect(draw(new Prng(42), 5)).toEqual(draw(new Prng(42), 5));
    expect(draw(new Prng(42), 5)).not.toEqual(draw(new Prng(43), 5));
    expect(draw(new Prng(42).fork("route"), 5)).toEqual(draw(new Prng(42).fork("route"), 5));
    expect(draw(new Prng(42).fork("route"), 5)).not.toEqual(draw(new Prng(42).fork("receiver"), 5));
  });

  it("draws uniform and normal numbers with the right moments", () => {
    const p = new Prng(7);
    const u = draw(p, 20_000);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((s, x) => s + x, 0) / u.length).toBeCloseTo(0.5, 1);
    const n = Array.from({ length: 20_000 }, () => p.normal());
    const mean = n.reduce((s, x) => s + x, 0) / n.length;
    const sd = Math.sqrt(n.reduce((s, x) => s + (x - mean) ** 2, 0) / n.length);
    expect(mean).toBeCloseTo(0, 1);
    expect(sd).toBeCloseTo(1, 1);
    const ints = new Set(Array.from({ length: 1000 }, () => p.int(3, 5)));
    expect([...ints].sort()).toEqual([3, 4, 5]);
  });
});
