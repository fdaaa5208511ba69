import type { StoredFix } from "../fix.ts";
import { deg, isoTime, num, type ExportFormat } from "./export-format.ts";

const position = (f: StoredFix) => `[${deg(f.lon)},${deg(f.lat)}${f.alt !== null ? "," + num(f.alt, 2) : ""}]`;

/**
 * GeoJSON (RFC 7946): one LineString feature with [lon, lat(, alt)] positions;
 * the time of each position is in properties.coordTimes, the convention of
 * togeojson and Mapbox. The fixes are read twice: positions, then times.
 * Fewer than two fixes make a Point or nothing.
 */
export const geojson: ExportFormat = {
  extension: "geojson",
  mediaType: "application/geo+json",
  parts: (meta) => [
    `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[`,
    (f, i) => `${i ? "," : ""}\n${position(f)}`,
    `]},"properties":{"name":${JSON.stringify(meta.name)},"coordTimes":[`,
    (f, i) => `${i ? "," : ""}"${isoTime(f.time)}"`,
    "]}}]}\n",
  ],
  // A LineString needs two positions (RFC 7946 §3.1.4): one fix is a Point, none an empty collection.
  few: (fixes, meta) => {
    const f = fixes[0];
    if (!f) return `{"type":"FeatureCollection","features":[]}\n`;
    return `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":${position(f)}},"properties":{"name":${JSON.stringify(meta.name)},"time":"${isoTime(f.time)}"}}]}\n`;
  },
};
