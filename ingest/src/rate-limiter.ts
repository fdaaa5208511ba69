import type { Awaitable } from "./store/awaitable.ts";

/** Takes one token of a device's upload rate: 0 when allowed, else the seconds to wait before retrying. */
export interface RateLimit {
  take(deviceId: number): Awaitable<number>;
}

/**
 * A token bucket per key (device): `ratePerSec` sustained, `burst` at once, in this process.
 * Buckets that are full again are forgotten, so memory stays bounded by the
 * number of devices active in the last few seconds.
 */
export class RateLimiter implements RateLimit {
  private readonly buckets = new Map<string | number, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(
    readonly ratePerSec: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token: 0 when allowed, else the seconds to wait before retrying. */
  take(key: string | number): number {
    const t = this.now();
    this.sweep(t);
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.ratePerSec);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerSec));
  }

  private sweep(t: number): void {
    if (t - this.lastSweep < 10_000) return;
    this.lastSweep = t;
    const full = (this.burst / this.ratePerSec) * 1000;
    for (const [k, b] of this.buckets) if (t - b.at > full) this.buckets.delete(k);
  }
}
