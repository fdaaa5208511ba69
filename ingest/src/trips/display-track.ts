import type { Fix } from "../fix.ts";
import { distanceM } from "./geodesic.ts";
import { displayLine, type Point, type SpanLine } from "./simplify-track.ts";

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

type TrackFix = Pick<Fix, "time" | "lat" | "lon" | "alt" | "speed">;

/**
 * A track held for display, fixes appended in time order. It keeps what the
 * display needs so that a longer track costs only what was added: the line's
 * spans at each zoom asked for (SpanLine), and running sums of the speeds, so
 * a point's mean speed since the previous one is a subtraction.
 */
export class DisplayColumns {
  readonly points: Point[] = [];
  readonly time: number[] = [];
  readonly alt: Array<number | null> = [];
  /** sums and counts of the known speeds of fixes 0 .. i - 1 */
  private readonly speedSum = [0];
  private readonly speedCount = [0];
  private readonly lines = new Map<number, SpanLine>();
  private previous: TrackFix | undefined;

  get length(): number {
    return this.time.length;
  }

  append(f: TrackFix): void {
    // A fix without a reported speed gets the speed from the previous fix.
    const p = this.previous;
    const speed = f.speed ?? (p && f.time > p.time ? distanceM(p.lat, p.lon, f.lat, f.lon) / (f.time - p.time) : null);
    this.points.push({ x: f.lon, y: f.lat });
    this.time.push(f.time);
    this.alt.push(f.alt);
    this.speedSum.push(this.speedSum.at(-1)! + (speed ?? 0));
    this.speedCount.push(this.speedCount.at(-1)! + (speed === null ? 0 : 1));
    this.previous = f;
  }

  /** The simplified line's indices at a zoom (simplify-track.ts). */
  line(zoom: number): number[] {
    return displayLine(this.points, zoom, this.lines);
  }

  /**
   * The points for the map at a zoom: the simplified line's (`line`) merged
   * with up to DISPLAY_SAMPLES evenly spaced fixes, and the last.
   */
  track(zoom: number, line = this.line(zoom)): DisplayTrack {
    const track: DisplayTrack = { time: [], lon: [], lat: [], alt: [], speed: [] };
    const n = this.length;
    if (n === 0) return track;
    const step = Math.max(1, Math.ceil(n / DISPLAY_SAMPLES));
    const keep = new Set(line);
    for (let i = 0; i < n; i += step) keep.add(i);
    keep.add(n - 1);
    let previous = -1;
    for (const i of [...keep].sort((a, b) => a - b)) {
      const count = this.speedCount[i + 1]! - this.speedCount[previous + 1]!;
      const sum = this.speedSum[i + 1]! - this.speedSum[previous + 1]!;
      track.time.push(this.time[i]!);
      track.lon.push(this.points[i]!.x);
      track.lat.push(this.points[i]!.y);
      track.alt.push(this.alt[i]!);
      track.speed.push(count === 0 ? null : Math.round((sum / count) * 100) / 100);
      previous = i;
    }
    return track;
  }
}

/** The display track of `fixes` (in time order) at a zoom; see DisplayColumns.track. */
export function displayTrack(fixes: TrackFix[], zoom: number): DisplayTrack {
  const columns = new DisplayColumns();
  for (const f of fixes) columns.append(f);
  return columns.track(zoom);
}
