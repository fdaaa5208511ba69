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
  const points = fixes.map((f) => ({ x: f.lon, y: f.lat }));
  let tolerance = 360 / (256 * 2 ** zoom);
  let line = simplify(points, tolerance, true);
  while (line.length > MAX_DISPLAY_POINTS) {
    tolerance *= 2;
    line = simplify(line, tolerance, true);
  }
  return line.map((p) => [p.x, p.y]);
}

/** The zoom at which a bounding box fills about 1000 pixels. */
export function zoomToFit([west, south, east, north]: [number, number, number, number]): number {
  const extent = Math.max(east - west, north - south, 1e-6);
  return Math.max(0, Math.min(22, Math.floor(Math.log2((1000 * 360) / (256 * extent)))));
}
