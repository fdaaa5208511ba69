import { KNOT } from "@kayaktrack/firmware/units";
import { offset } from "../world/geo.ts";
import { GaussMarkovError, type GpsErrorOptions } from "./gps-error.ts";
import { Prng } from "../prng.ts";
import type { Route, TruePosition } from "../world/route.ts";
import { dilution, Sky, type Satellite } from "./sky.ts";

/** 1 knot in m/s (NMEA speeds are in knots) */

/**
 * What the receiver reports in one epoch with a fix, at the precision the
 * NMEA sentences carry it (so that a parser reads back exactly these values).
 */
export interface ReportedFix {
  /** degrees, to 0.00001 minute (RMC/GGA/GLL ddmm.mmmmm) */
  lat: number;
  lon: number;
  /** metres above mean sea level, to 0.1 m (GGA field 9) */
  alt: number;
  /** m/s, from knots to 0.001 (RMC field 7) */
  speed: number;
  /** degrees true to 0.01 (RMC field 8); undefined when too slow to have a course */
  course: number | undefined;
  /** to 0.01 (GGA field 8, GSA fields 15–17) */
  hdop: number;
  vdop: number;
  pdop: number;
  /** satellites used (GGA field 7) */
  sats: number;
}

/** One receiver epoch: the time, where the boat really was, and what the receiver made of it. */
export interface GpsEpoch {
  /** epoch seconds, UTC, a multiple of 0.01 s (NMEA times have two decimals) */
  time: number;
  /** the true position at `time`: the reference a test compares stored fixes against */
  truth: TruePosition;
  /** a cold start before the first fix, a dropout (no fix for a while), or a fix */
  state: "cold-start" | "dropout" | "fix";
  /** whether the receiver knows the UTC time and date yet (not in the first seconds of a cold start) */
  timeKnown: boolean;
  /** seconds the receiver's date is off (the week-rollover bug: −1,024 weeks); its time of day is right */
  dateErrorS?: number;
  /** the noisy reported fix; undefined without one */
  fix: ReportedFix | undefined;
  satellites: Satellite[];
  /** geoid height above the ellipsoid (GGA field 11) */
  geoidSeparation: number;
}

/** A period without a fix, in seconds after the first epoch. */
export interface Dropout {
  from: number;
  to: number;
}

export interface ReceiverOptions {
  seed?: number | string;
  /** epochs a second (Hz); the NEO-6M does 1 by default, at most 5 */
  rate?: number;
  /** seconds of epochs; the route's length by default */
  duration?: number;
  /** seconds without a fix at the start (NEO-6 data sheet: cold start TTFF 27 s); 0 for a fix at once */
  coldStart?: number;
  dropouts?: Dropout[];
  error?: GpsErrorOptions;
}

/** velocity noise per axis, m/s (NEO-6 data sheet: velocity accuracy 0.1 m/s) */
const VELOCITY_NOISE = 0.05;
/** below this reported speed (m/s) the course is left empty, as u-blox receivers do when standing still */
const COURSE_MIN_SPEED = 0.3;
/** the share of a cold start before the receiver has decoded the time from a satellite */
const TIME_KNOWN_AFTER = 0.3;

const round = (x: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(x * f) / f + 0; // + 0: no -0, which the sentences would write as 0
};
/** degrees rounded to 0.00001 minute, as ddmm.mmmmm carries them */
export const nmeaDegrees = (d: number) => Math.sign(d) * (Math.round(Math.abs(d) * 6e6) / 6e6);

/**
 * The epochs of a NEO-6M on the boat following `route`: one every 1/rate
 * seconds from the first whole second of the route (u-blox receivers align
 * epochs to the second), a cold start first, dropouts as asked, and a fix with
 * correlated errors the rest of the time. Repeatable for a seed; the route's
 * randomness is its own, so receiver options do not change the route.
 */
export function* gpsEpochs(route: Route, options: ReceiverOptions = {}): Generator<GpsEpoch> {
  const rate = options.rate ?? 1;
  if (!(rate > 0 && rate <= 5)) throw new Error(`fix rate ${rate} Hz: the NEO-6M updates 1 to 5 times a second (0 < rate ≤ 5)`);
  const coldStart = options.coldStart ?? 27;
  if (!(coldStart >= 0)) throw new Error(`cold start of ${coldStart} s: give 0 or more seconds`);
  const dropouts = options.dropouts ?? [];
  for (const d of dropouts) if (!(d.to > d.from)) throw new Error(`dropout from ${d.from} s to ${d.to} s: it must end after it starts`);
  const t0 = Math.ceil(route.start);
  const duration = options.duration ?? Math.max(0, route.end - t0);
  if (!(duration >= 0)) throw new Error(`duration ${duration} s: give 0 or more seconds`);

  const prng = new Prng(options.seed ?? 1, "receiver");
  const error = new GaussMarkovError(prng.fork("error"), options.error);
  const velocity = prng.fork("velocity");
  const sky = new Sky(prng.fork("sky"));
  // During a cold start the receiver finds the satellites one by one.
  const acquired = new Map(sky.prns.map((prn) => [prn, prng.uniform(TIME_KNOWN_AFTER * 0.8, 1) * coldStart]));

  let previous = 0;
  for (let k = 0; ; k++) {
    const elapsed = Math.round((k * 100) / rate) / 100;
    if (elapsed > duration) break;
    const time = t0 + elapsed;
    const dt = k === 0 ? 1 / rate : elapsed - previous;
    previous = elapsed;
    const truth = route.at(time);
    const noise = error.step(dt);
    const inDropout = dropouts.some((d) => elapsed >= d.from && elapsed < d.to);
    const state = elapsed < coldStart ? "cold-start" : inDropout ? "dropout" : "fix";
    const timeKnown = state !== "cold-start" || elapsed >= coldStart * TIME_KNOWN_AFTER;
    const tracking = (prn: number) =>
      state === "fix" || (state === "cold-start" ? elapsed >= acquired.get(prn)! : prn % 4 === 0); // a dropout keeps a weak few
    const satellites = timeKnown ? sky.at(elapsed, dt, tracking, state === "fix") : [];
    // Velocity comes from Doppler, with its own small noise, not from differences of noisy positions.
    const rad = (truth.course * Math.PI) / 180;
    const vn = truth.speed * Math.cos(rad) + VELOCITY_NOISE * velocity.normal();
    const ve = truth.speed * Math.sin(rad) + VELOCITY_NOISE * velocity.normal();
    let fix: ReportedFix | undefined;
    if (state === "fix") {
      const p = offset(truth, noise.north, noise.east);
      const used = satellites.filter((s) => s.used).length;
      const dop = dilution(used);
      const knots = round(Math.hypot(vn, ve) / KNOT, 3);
      const speed = knots * KNOT;
      const course = speed < COURSE_MIN_SPEED ? undefined : round(((Math.atan2(ve, vn) * 180) / Math.PI + 360) % 360, 2) % 360;
      fix = {
        lat: nmeaDegrees(p.lat),
        lon: nmeaDegrees(p.lon),
        alt: round(truth.alt + noise.up, 1),
        speed,
        course,
        hdop: round(dop.hdop, 2),
        vdop: round(dop.vdop, 2),
        pdop: round(dop.pdop, 2),
        sats: used,
      };
    }
    yield { time, truth, state, timeKnown, fix, satellites, geoidSeparation: route.geoidSeparation };
  }
}

/**
 * `count` dropouts of `length` seconds each ([min, max]), placed at random
 * (seeded) in the `duration` seconds after `after`, not overlapping.
 */
export function randomDropouts(o: { seed?: number | string; count: number; length: [number, number]; duration: number; after?: number }): Dropout[] {
  const prng = new Prng(o.seed ?? 1, "dropouts");
  const after = o.after ?? 0;
  const lengths = Array.from({ length: o.count }, () => prng.uniform(o.length[0], o.length[1]));
  const slack = o.duration - after - lengths.reduce((a, b) => a + b, 0);
  if (slack < 0) throw new Error(`${o.count} dropouts of up to ${o.length[1]} s do not fit in ${o.duration - after} s`);
  // Cut the slack at count random points: the gaps between dropouts.
  const cuts = Array.from({ length: o.count }, () => prng.uniform(0, slack)).sort((a, b) => a - b);
  const out: Dropout[] = [];
  let at = after;
  let used = 0;
  for (let i = 0; i < o.count; i++) {
    at += cuts[i]! - used;
    used = cuts[i]!;
    out.push({ from: Math.round(at), to: Math.round(at + lengths[i]!) });
    at += lengths[i]!;
  }
  return out;
}
