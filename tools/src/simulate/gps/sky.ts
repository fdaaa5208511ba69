import type { Prng } from "../prng.ts";

/** One GPS satellite in view, as GSV and GSA report it. */
export interface Satellite {
  /** PRN 1–32 */
  prn: number;
  /** degrees above the horizon, 0–90 */
  elevation: number;
  /** degrees from true north, 0–359 */
  azimuth: number;
  /** carrier-to-noise dB-Hz; undefined while the receiver is not tracking it */
  snr: number | undefined;
  /** used in the position fix (GSA) */
  used: boolean;
}

interface Orbit {
  prn: number;
  azimuth: number;
  /** degrees per second the azimuth turns */
  azimuthRate: number;
  /** phase of the elevation's rise and fall */
  phase: number;
  /** the SNR's slow wobble, dB */
  fade: number;
}

/** GPS satellites circle the earth twice a sidereal day: an elevation comes round in ~12 h. */
const ORBIT_PERIOD = 43_082;
/** below this a satellite is too low to use in the fix (degrees) */
const ELEVATION_MASK = 5;

/**
 * The GPS satellites in view from the boat over time: 8–12, slowly moving
 * across the sky, with signal strength rising with elevation. A simple
 * picture, for GSV and GSA to look like a sky; no orbit is computed, and
 * the same satellites stay in view all day.
 */
export class Sky {
  private readonly orbits: Orbit[];

  constructor(private readonly prng: Prng) {
    const count = prng.int(8, 12);
    const prns = new Set<number>();
    while (prns.size < count) prns.add(prng.int(1, 32));
    this.orbits = [...prns].sort((a, b) => a - b).map((prn) => ({
      prn,
      azimuth: prng.uniform(0, 360),
      azimuthRate: prng.uniform(-1, 1) * (360 / ORBIT_PERIOD),
      // elevations spread between low and overhead; asin of a uniform gives as many low as high
      phase: Math.asin(prng.uniform(0.1, 0.95)),
      fade: 0,
    }));
  }

  /**
   * The sky `elapsed` seconds after the start. `tracking(prn)` tells whether
   * the receiver has that satellite's signal (all of them, once it has a fix).
   */
  at(elapsed: number, dt: number, tracking: (prn: number) => boolean, fixed: boolean): Satellite[] {
    return this.orbits.map((o) => {
      o.fade += -o.fade * (dt / 30) + Math.sqrt((2 * dt) / 30) * 2 * this.prng.normal();
      // Rises and sinks between 3° and 85°; one sinking low comes back up as if it were the next satellite rising.
      const elevation = Math.round(3 + 82 * Math.abs(Math.sin(o.phase + (2 * Math.PI * elapsed) / ORBIT_PERIOD)));
      const azimuth = Math.round((((o.azimuth + o.azimuthRate * elapsed) % 360) + 360) % 360) % 360;
      const tracked = tracking(o.prn);
      const snr = tracked ? Math.round(Math.min(50, Math.max(12, 22 + elevation * 0.25 + o.fade))) : undefined;
      return { prn: o.prn, elevation, azimuth, snr, used: fixed && tracked && elevation >= ELEVATION_MASK };
    });
  }

  /** the PRNs in view, in the order GSV lists them */
  get prns(): number[] {
    return this.orbits.map((o) => o.prn);
  }
}

/** Dilutions of precision for `used` satellites: good geometry on open water, worse with few. */
export function dilution(used: number): { hdop: number; vdop: number; pdop: number } {
  const hdop = Math.min(9.99, Math.max(0.7, 7.5 / Math.max(used, 1)));
  const vdop = Math.min(9.99, hdop * 1.5);
  return { hdop, vdop, pdop: Math.min(9.99, Math.hypot(hdop, vdop)) };
}
