import type { Fix } from "../fix.ts";
import { distanceM } from "./geodesic.ts";
import { simplifyIndices } from "./simplify-track.ts";

/** Time samples a display track keeps besides the line's shape, so a straight leg still shows its speeds. */
export const DISPLAY_SAMPLES = 1000;

/**
 * What the map draws and plays back: columns of equal length, one entry a point.
 * `speed` is the mean speed (m/s) of the fixes since the previous point, so a
 * segment's colour is the speed along it; `alt` is the point's own altitude.
 */
export interface DisplayTrack {
  time: number[];
  lon: number[];
  lat: number[];
  alt: Array<number | null>;
  speed: Array<number | null>;
}

/**
 * A trip's points for the map at a zoom level: the simplified line's points
 * (simplify-track.ts) merged with up to DISPLAY_SAMPLES evenly spaced fixes.
 * A fix without a reported speed gets the speed from the previous fix.
 */
export function displayTrack(fixes: Array<Pick<Fix, "time" | "lat" | "lon" | "alt" | "speed">>, zoom: number): DisplayTrack {
  const track: DisplayTrack = { time: [], lon: [], lat: [], alt: [], speed: [] };
  if (fixes.length === 0) return track;
  const step = Math.max(1, Math.ceil(fixes.length / DISPLAY_SAMPLES));
  const keep = new Set(simplifyIndices(fixes, zoom));
  for (let i = 0; i < fixes.length; i += step) keep.add(i);
  keep.add(fixes.length - 1);
  const indices = [...keep].sort((a, b) => a - b);

  const speedOf = (i: number): number | null => {
    const f = fixes[i]!;
    if (f.speed !== null) return f.speed;
    const p = fixes[i - 1];
    if (!p || f.time <= p.time) return null;
    return distanceM(p.lat, p.lon, f.lat, f.lon) / (f.time - p.time);
  };
  let previous = -1;
  for (const i of indices) {
    let sum = 0;
    let n = 0;
    for (let j = previous + 1; j <= i; j++) {
      const v = speedOf(j);
      if (v !== null) {
        sum += v;
        n++;
      }
    }
    const f = fixes[i]!;
    track.time.push(f.time);
    track.lon.push(f.lon);
    track.lat.push(f.lat);
    track.alt.push(f.alt);
    track.speed.push(n === 0 ? null : Math.round((sum / n) * 100) / 100);
    previous = i;
  }
  return track;
}
