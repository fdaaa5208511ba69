import type { Prng } from "../prng.ts";

/** Touring-kayak cruising speeds: the simulated paddler stays inside these (m/s). */
export const PADDLING_SPEED = { min: 1.5, max: 2.5 };

/**
 * A paddler's speed over time: an Ornstein–Uhlenbeck process around a cruising
 * speed chosen per trip, so it drifts gently (a couple of minutes to change),
 * reflected back inside a margin within PADDLING_SPEED.
 */
export class PaddlingSpeed {
  /** the cruising speed of this trip (m/s) */
  readonly mean: number;
  /** standard deviation of the speed around its mean (m/s) */
  private readonly spread: number;
  /** seconds for a change of speed to fade */
  private readonly tau: number;
  private v: number;
  private readonly lo = PADDLING_SPEED.min + 0.1;
  private readonly hi = PADDLING_SPEED.max - 0.1;

  constructor(
    private readonly prng: Prng,
    options: { mean?: number; spread?: number; tau?: number } = {},
  ) {
    this.mean = options.mean ?? prng.uniform(1.8, 2.1);
    this.spread = options.spread ?? 0.12;
    this.tau = options.tau ?? 120;
    this.v = this.mean;
  }

  /** The speed after `dt` more seconds. */
  step(dt: number): number {
    const sigma = this.spread * Math.sqrt((2 * dt) / this.tau);
    let v = this.v + ((this.mean - this.v) * dt) / this.tau + sigma * this.prng.normal();
    // reflect: stays continuous, unlike clamping, which would stick to the bound
    for (let i = 0; i < 4 && (v < this.lo || v > this.hi); i++) v = v < this.lo ? 2 * this.lo - v : 2 * this.hi - v;
    this.v = Math.min(this.hi, Math.max(this.lo, v));
    return this.v;
  }
}
