import { bearing, destination, distance, turn, type LatLon } from "./geo.ts";
import { PaddlingSpeed } from "./paddling-speed.ts";
import type { Prng } from "../prng.ts";
import type { Pause, TruePosition } from "./route.ts";

export interface Waypoint extends LatLon {
  /** seconds ashore here on arrival (a break); none when absent */
  pause?: number;
}

export interface PaddleOptions {
  /** epoch seconds when the boat sets off */
  start: number;
  from: LatLon;
  waypoints: Waypoint[];
  prng: Prng;
  /** metres above mean sea level of the water (lake level, 0 at sea) */
  alt: number;
  /** stop at this epoch second, even midway */
  until?: number;
  /** after the last waypoint, go round again (until `until`) */
  loop?: boolean;
}

/** a waypoint counts as reached this close (metres) */
const ARRIVED = 12;
/** the most a paddler turns in a second (degrees): a touring kayak turns on a radius of ~10 m */
const MAX_TURN_RATE = 10;
/** how far the paddler's heading wanders from the straight line (degrees, standard deviation) and how slowly (s) */
const WANDER = { sd: 8, tau: 90 };
/** a run this long means the route can never end */
const MAX_STEPS = 300_000;

/**
 * Paddles from waypoint to waypoint, one-second steps: the heading turns
 * towards the next waypoint at a limited rate and wanders gently around the
 * straight line; the speed comes from PaddlingSpeed. A waypoint with a pause
 * is a break ashore, where the boat stands still.
 */
export function paddleToWaypoints(o: PaddleOptions): { samples: TruePosition[]; pauses: Pause[] } {
  if (o.waypoints.length === 0) throw new Error("a paddled route needs at least one waypoint");
  if (o.loop && o.until === undefined) throw new Error("a looped route needs an end time (until)");
  const speed = new PaddlingSpeed(o.prng.fork("speed"));
  const wanderPrng = o.prng.fork("wander");
  const samples: TruePosition[] = [];
  const pauses: Pause[] = [];
  let pos: LatLon = { lat: o.from.lat, lon: o.from.lon };
  let heading = bearing(pos, o.waypoints[0]!);
  let wander = 0;
  let t = o.start;
  let next = 0;
  const still = () => samples.push({ time: t, lat: pos.lat, lon: pos.lon, alt: o.alt, speed: 0, course: heading, moving: false });

  for (let steps = 0; ; steps++) {
    if (steps > MAX_STEPS) throw new Error(`the route does not reach waypoint ${next} within ${MAX_STEPS} s`);
    if (o.until !== undefined && t >= o.until) break;
    const target = o.waypoints[next]!;
    const d = distance(pos, target);
    if (d < ARRIVED) {
      if (target.pause) {
        const to = o.until === undefined ? t + target.pause : Math.min(t + target.pause, o.until);
        still();
        pauses.push({ from: t, to });
        t = to;
      }
      next++;
      if (next === o.waypoints.length) {
        if (!o.loop) break;
        next = 0;
      }
      continue;
    }
    wander += (-wander / WANDER.tau) + WANDER.sd * Math.sqrt(2 / WANDER.tau) * wanderPrng.normal();
    // The wander fades near a waypoint, so that the boat always gets there.
    const desired = bearing(pos, target) + wander * Math.min(1, d / 150);
    heading = (heading + Math.max(-MAX_TURN_RATE, Math.min(MAX_TURN_RATE, turn(heading, desired))) + 360) % 360;
    const v = speed.step(1);
    samples.push({ time: t, lat: pos.lat, lon: pos.lon, alt: o.alt, speed: v, course: heading, moving: true });
    pos = destination(pos, heading, v);
    t += 1;
  }
  still();
  return { samples, pauses };
}
