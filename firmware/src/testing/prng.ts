/**
 * The seeded generator of tests and fault runs (mulberry32): uniform in [0, 1),
 * the same sequence for the same seed, so a failing run can be repeated. (The
 * simulator's world has its own, tools/src/simulate/prng.ts: it forks a stream
 * per part of the world, so that changing one part leaves the others' draws.)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** mulberry32 with the draws tests make most: an integer below `n`, one of a list. */
export function prng(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
