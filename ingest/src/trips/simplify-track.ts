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
  let line = simplify(points, tolerance, true) as typeof points;
  while (line.length > MAX_DISPLAY_POINTS) {
    tolerance *= 2;
    line = simplify(line, tolerance, true) as typeof points;
  }
  return line.map((p) => p.i);
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
