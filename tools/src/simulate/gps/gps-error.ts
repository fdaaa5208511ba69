import type { Prng } from "../prng.ts";

export interface GpsErrorOptions {
  /** standard deviation of the slow error on each horizontal axis, metres (NEO-6 data sheet: 2.5 m CEP, less on open water) */
  sigma?: number;
  /** the same for height, which GPS measures worse */
  sigmaUp?: number;
  /** seconds for the slow error to change (atmosphere and satellite geometry drift over about a minute) */
  tau?: number;
  /** white noise on top, metres per axis (receiver noise) */
  white?: number;
}

export interface GpsError {
  north: number;
  east: number;
  up: number;
}

/**
 * The receiver's position error: a first-order Gauss–Markov process on each
 * axis (correlated from one epoch to the next, so a standing boat's track
 * wanders slowly instead of jumping), plus a little white noise.
 */
export class GaussMarkovError {
  private readonly sigma: number;
  private readonly sigmaUp: number;
  private readonly tau: number;
  private readonly white: number;
  private state: GpsError;

  constructor(
    private readonly prng: Prng,
    options: GpsErrorOptions = {},
  ) {
    this.sigma = options.sigma ?? 1.5;
    this.sigmaUp = options.sigmaUp ?? 3;
    this.tau = options.tau ?? 60;
    this.white = options.white ?? 0.3;
    // start in the steady state, not at zero
    this.state = { north: this.sigma * prng.normal(), east: this.sigma * prng.normal(), up: this.sigmaUp * prng.normal() };
  }

  /** The error `dt` seconds after the previous one. */
  step(dt: number): GpsError {
    const a = Math.exp(-dt / this.tau);
    const b = Math.sqrt(1 - a * a);
    const s = this.state;
    s.north = a * s.north + b * this.sigma * this.prng.normal();
    s.east = a * s.east + b * this.sigma * this.prng.normal();
    s.up = a * s.up + b * this.sigmaUp * this.prng.normal();
    return {
      north: s.north + this.white * this.prng.normal(),
      east: s.east + this.white * this.prng.normal(),
      up: s.up + this.white * this.prng.normal(),
    };
  }
}
