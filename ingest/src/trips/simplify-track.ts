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
  return displayLine(fixes.map((f) => ({ x: f.lon, y: f.lat })), zoom, new Map());
}

/** The coarsest zoom a line is simplified at to fit MAX_DISPLAY_POINTS: a tolerance of a million degrees, so at most a point in every 17 spans is left. */
const MIN_ZOOM = -20;

/**
 * The line of `points` for display at a zoom, as indices: at that zoom's
 * tolerance (about a pixel), or at the most detailed coarser zoom whose line
 * has at most MAX_DISPLAY_POINTS. `lines` keeps each zoom's SpanLine, so a
 * caller that holds a growing track pays only for what was added.
 */
export function displayLine(points: Point[], zoom: number, lines: Map<number, SpanLine>): number[] {
  for (let z = zoom; ; z--) {
    let line = lines.get(z);
    if (!line) lines.set(z, (line = new SpanLine(360 / (256 * 2 ** z))));
    const indices = line.indices(points);
    if (indices.length <= MAX_DISPLAY_POINTS || z <= MIN_ZOOM) return indices;
  }
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

export type Point = { x: number; y: number };

/**
 * A track's line at one tolerance, simplified span by span (SPAN points,
 * each span's last point the next one's first) and kept: a track that grows
 * at its end costs only its new spans. Then a span's end stays whatever the
 * line does there, so the ends are dropped where every point between the
 * neighbours kept lies within the tolerance anyway: a straight stretch is
 * still two points.
 */
export class SpanLine {
  /** the complete spans' line, as indices into the points */
  private readonly line = [0];
  private readonly ends = new Set<number>();
  private spans = 0;
  /** dropping ends, done for line[1 .. decided - 1]: the indices kept, and the ends dropped in a row */
  private readonly kept = [0];
  private readonly state = { skipped: 0, decided: 1 };

  constructor(private readonly tolerance: number) {}

  /** The line of `points`, which may have grown since the last call (and must not have changed otherwise). */
  indices(points: Point[]): number[] {
    const n = points.length;
    if (n <= SPAN) return n === 0 ? [] : (simplify(points.map((p, k) => ({ x: p.x, y: p.y, k })), this.tolerance, true) as unknown as Array<{ k: number }>).map((p) => p.k);
    for (let start = this.spans * SPAN; start + SPAN <= n - 1; start += SPAN, this.spans++) {
      this.addSpan(points, start, start + SPAN, this.line);
      this.ends.add(start + SPAN);
    }
    this.drop(points, this.line, this.line.length - 1, this.kept, this.state);
    // The span still open at the end, and the decisions that depend on it, are made again each time.
    const start = this.spans * SPAN;
    if (start === n - 1) return [...this.kept, n - 1];
    const whole = this.line.slice();
    this.addSpan(points, start, n - 1, whole);
    const kept = this.kept.slice();
    this.drop(points, whole, whole.length - 1, kept, { ...this.state });
    kept.push(n - 1);
    return kept;
  }

  private addSpan(points: Point[], from: number, to: number, line: number[]): void {
    const span = points.slice(from, to + 1).map((p, k) => ({ x: p.x, y: p.y, k: from + k }));
    const part = simplify(span, this.tolerance, true) as typeof span;
    for (let j = 1; j < part.length; j++) line.push(part[j]!.k); // its first point ended the span before
  }

  /** Decides line[state.decided .. until - 1]: a span end is dropped when the points it stands for lie within the tolerance. */
  private drop(points: Point[], line: number[], until: number, kept: number[], state: { skipped: number; decided: number }): void {
    for (let j = state.decided; j < until; j++) {
      const from = kept.at(-1)!;
      const to = line[j + 1]!;
      if (this.ends.has(line[j]!) && state.skipped < MAX_SKIPPED && within(points, from, to, this.tolerance)) state.skipped++;
      else {
        kept.push(line[j]!);
        state.skipped = 0;
      }
    }
    state.decided = Math.max(state.decided, until);
  }
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
