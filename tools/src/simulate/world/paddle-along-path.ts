import { bearing, distance, type LatLon } from "./geo.ts";
import { PaddlingSpeed } from "./paddling-speed.ts";
import type { Prng } from "../prng.ts";
import type { TruePosition } from "./route.ts";

/**
 * Moves exactly along a polyline (a GPX track without times) at a paddling
 * speed, one-second steps (corners cut by the step's chord), arriving at
 * the last point when it gets there.
 */
export function paddleAlongPath(path: Array<LatLon & { alt: number }>, start: number, prng: Prng): TruePosition[] {
  if (path.length === 0) throw new Error("an empty path");
  const speed = new PaddlingSpeed(prng.fork("speed"));
  const samples: TruePosition[] = [];
  let seg = 0;
  /** metres travelled along segment `seg` */
  let along = 0;
  let t = start;
  let v = 0;
  // Skip zero-length segments (repeated points).
  const length = (i: number) => distance(path[i]!, path[i + 1]!);
  while (seg < path.length - 1) {
    const len = length(seg);
    if (along >= len) {
      along -= len;
      seg++;
      continue;
    }
    const a = path[seg]!;
    const b = path[seg + 1]!;
    const f = along / len;
    v = speed.step(1);
    samples.push({
      time: t,
      lat: a.lat + (b.lat - a.lat) * f,
      lon: a.lon + (b.lon - a.lon) * f,
      alt: a.alt + (b.alt - a.alt) * f,
      speed: v,
      course: bearing(a, b),
      moving: true,
    });
    along += v;
    t += 1;
  }
  const last = path[path.length - 1]!;
  const course = samples.length ? samples[samples.length - 1]!.course : 0;
  // The last step ends `along` metres short of a full second's paddle: arrive that much earlier.
  const end = samples.length ? t - along / v : t;
  samples.push({ time: end, lat: last.lat, lon: last.lon, alt: last.alt, speed: 0, course, moving: false });
  return samples;
}
