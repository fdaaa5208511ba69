/** Choices for one request from a seeded generator (mulberry32), so that a run can be repeated. */
export class Dice {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number) {
    return this.next() < p;
  }
  bytes(n: number) {
    const b = Buffer.alloc(n);
    for (let k = 0; k < n; k++) b[k] = Math.floor(this.next() * 256);
    return b;
  }
}

