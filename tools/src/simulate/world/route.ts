import type { LatLon } from "./geo.ts";

/** Where the boat really is at one moment: the reference that stored fixes are checked against. */
export interface TruePosition extends LatLon {
  /** epoch seconds, UTC */
  time: number;
  /** metres above mean sea level */
  alt: number;
  /** m/s over ground */
  speed: number;
  /** degrees from true north */
  course: number;
  /** false on a break ashore or after the route's end */
  moving: boolean;
}

/** A stretch of the route when the boat stands still (a break ashore). */
export interface Pause {
  /** epoch seconds */
  from: number;
  to: number;
}

/** A trip: the true position at any time between start and end (before and after, it stands at its ends). */
export interface Route {
  name: string;
  /** epoch seconds of the first and the last position */
  start: number;
  end: number;
  /** geoid height above the WGS-84 ellipsoid here (metres), which GGA reports beside the altitude */
  geoidSeparation: number;
  pauses: Pause[];
  at(time: number): TruePosition;
}

/**
 * A route through `samples` (sorted by time): each sample holds the speed and
 * course of the stretch that follows it, and positions in between are
 * interpolated along the straight line.
 */
export function routeFromSamples(
  name: string,
  samples: TruePosition[],
  extra: { geoidSeparation?: number; pauses?: Pause[] } = {},
): Route {
  if (samples.length === 0) throw new Error(`route ${name}: no positions`);
  for (let i = 1; i < samples.length; i++) {
    if (!(samples[i]!.time >= samples[i - 1]!.time)) {
      throw new Error(`route ${name}: position ${i} (time ${samples[i]!.time}) comes before position ${i - 1} (time ${samples[i - 1]!.time})`);
    }
  }
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const still = (p: TruePosition, time: number): TruePosition => ({ ...p, time, speed: 0, moving: false });
  return {
    name,
    start: first.time,
    end: last.time,
    geoidSeparation: extra.geoidSeparation ?? 0,
    pauses: extra.pauses ?? [],
    at(time: number): TruePosition {
      if (time <= first.time) return time === first.time && samples.length > 1 ? { ...first } : still(first, time);
      if (time >= last.time) return still(last, time);
      // the last sample at or before `time`
      let lo = 0;
      let hi = samples.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (samples[mid]!.time <= time) lo = mid;
        else hi = mid;
      }
      const a = samples[lo]!;
      const b = samples[hi]!;
      const f = (time - a.time) / (b.time - a.time);
      return {
        time,
        lat: a.lat + (b.lat - a.lat) * f,
        lon: a.lon + (b.lon - a.lon) * f,
        alt: a.alt + (b.alt - a.alt) * f,
        speed: a.speed,
        course: a.course,
        moving: a.moving,
      };
    },
  };
}
