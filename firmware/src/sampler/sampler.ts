import type { GpsFix } from "../fix/gps-fix.ts";
import { nearDistanceM } from "../fix/near-distance.ts";

/** Which fixes are kept. Units are in the names. */
export interface SamplerOptions {
  /** never two fixes closer in time than this */
  minIntervalS: number;
  /** keep one at least this often, even standing still (the map shows the tracker alive) */
  maxIntervalS: number;
  /** keep a fix once the boat has moved this far from the last kept one */
  minDistanceM: number;
  /** … or turned this much (while moving faster than turnMinSpeed) */
  headingChangeDeg: number;
  turnMinSpeed: number;
  /** quality gate: fixes with fewer satellites or a larger HDOP are not kept */
  minSats: number;
  maxHdop: number;
}

/**
 * Kayaking defaults: paddling at 1.5–2.5 m/s, a fix every 25 m or so, and
 * every turn; standing still, one fix every 2 minutes.
 */
export const defaultSamplerOptions: SamplerOptions = {
  minIntervalS: 5,
  maxIntervalS: 120,
  minDistanceM: 25,
  headingChangeDeg: 20,
  turnMinSpeed: 0.8,
  minSats: 4,
  maxHdop: 5,
};

/** Decides which fixes go to the journal. Counts what it saw and what the quality gate refused. */
export class Sampler {
  seen = 0;
  kept = 0;
  poor = 0;
  private readonly o: SamplerOptions;
  private last: GpsFix | undefined;

  constructor(options?: Partial<SamplerOptions>) {
    this.o = Object.assign({}, defaultSamplerOptions, options);
  }

  /** true when this fix should be kept; `force` keeps one that passes the quality gate whatever its distance (an SOS) */
  offer(f: GpsFix, force?: boolean): boolean {
    this.seen++;
    const o = this.o;
    if ((f.sats !== undefined && f.sats < o.minSats) || (f.hdop !== undefined && f.hdop > o.maxHdop)) {
      this.poor++;
      return false;
    }
    const last = this.last;
    let keep = !last;
    if (last) {
      const dt = f.time - last.time;
      if (dt < 0) keep = false; // the receiver's clock went back: keep the order
      else if (force || dt >= o.maxIntervalS) keep = true;
      else if (dt >= o.minIntervalS) {
        keep =
          nearDistanceM(last.lat, last.lon, f.lat, f.lon) >= o.minDistanceM ||
          (f.speed !== undefined && f.speed >= o.turnMinSpeed && turned(last.course, f.course) >= o.headingChangeDeg);
      }
    }
    if (keep) {
      this.last = f;
      this.kept++;
    }
    return keep;
  }
}

/** Degrees between two courses, 0–180; 0 when either is unknown. */
function turned(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined) return 0;
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}
