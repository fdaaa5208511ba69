import simplify from "simplify-js";
import type { Fix } from "../fix.ts";

/** Most points a display line has, whatever the zoom. */
export const MAX_DISPLAY_POINTS = 5000;

/**
 * A trip's line for display at a zoom level: Douglas–Peucker with a tolerance
 * of about one screen pixel at that zoom (256-pixel tiles), coarsened until it
 * has at most MAX_DISPLAY_POINTS. Positions are [lon, lat] as in GeoJSON.
 */
export function simplifyTrack(fixes: Array<Pick<Fix, "lat" | "lon">>, zoom: number): Array<[number, number]> {
  return simplifyIndices(fixes, zoom).map((i) => [fixes[i]!.lon, fixes[i]!.lat]);
}

/** simplifyTrack's points as indices into `fixes`, in order. */
export function simplifyIndices(fixes: Array<Pick<Fix, "lat" | "lon">>, zoom: number): number[] {
  // simplify-js returns the very point objects it was given, so each carries its index.
  const points = fixes.map((f, i) => ({ x: f.lon, y: f.lat, i }));
  let tolerance = 360 / (256 * 2 ** zoom);
  let line = inSpans(points, tolerance);
  while (line.length > MAX_DISPLAY_POINTS) {
    tolerance *= 2;
    line = inSpans(line, tolerance);
  }
  return line.map((p) => p.i);
}

/**
 * Douglas–Peucker's worst case, a zigzag, costs the square of its points and
 * recurses once a point (a stack overflow at 20,000). Run on spans of this
 * many points, any track costs at most its length times this, whatever a
 * device sent.
 */
const SPAN = 250;
/** Span ends dropped in a row at most: checking a drop reads every point it skips. */
const MAX_SKIPPED = 16;

type Point = { x: number; y: number };

function inSpans<P extends Point>(points: P[], tolerance: number): P[] {
  if (points.length <= SPAN) return simplify(points, tolerance, true) as P[];
  /** the line so far, as indices into points */
  const line = [0];
  const ends = new Set<number>();
  for (let start = 0; start < points.length - 1; start += SPAN) {
    const span = points.slice(start, start + SPAN + 1).map((p, k) => ({ x: p.x, y: p.y, k: start + k }));
    const part = simplify(span, tolerance, true) as typeof span;
    for (let j = 1; j < part.length; j++) line.push(part[j]!.k); // its first point ended the span before
    ends.add(part.at(-1)!.k);
  }
  // A span's end stays whatever the line does there: drop those where every point between the
  // neighbours kept lies within the tolerance anyway, so that a straight stretch is still two points.
  const kept = [0];
  let skipped = 0;
  for (let j = 1; j < line.length - 1; j++) {
    const from = kept.at(-1)!;
    const to = line[j + 1]!;
    if (ends.has(line[j]!) && skipped < MAX_SKIPPED && within(points, from, to, tolerance)) skipped++;
    else {
      kept.push(line[j]!);
      skipped = 0;
    }
  }
  kept.push(line.at(-1)!);
  return kept.map((k) => points[k]!);
}

/** Whether every point between `from` and `to` lies within `tolerance` of the segment joining them. */
function within(points: Point[], from: number, to: number, tolerance: number): boolean {
  for (let k = from + 1; k < to; k++) if (offLine(points[k]!, points[from]!, points[to]!) > tolerance) return false;
  return true;
}

/** How far `p` is from the segment a–b, in the points' own units (as simplify-js measures). */
function offLine(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** The zoom at which a bounding box fills about 1000 pixels. */
export function zoomToFit([west, south, east, north]: [number, number, number, number]): number {
  const extent = Math.max(east - west, north - south, 1e-6);
  return Math.max(0, Math.min(22, Math.floor(Math.log2((1000 * 360) / (256 * extent)))));
}

/** `?zoom=` of a display request: absent means the zoom that fits the trip. */
export function parseZoom(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined) return fallback;
  const zoom = Number(text);
  return /^\d{1,2}$/.test(text) && zoom <= 22 ? zoom : undefined;
}
