import type { StoredFix } from "../fix.ts";

/** What an export is about (names and the time it was made). */
export interface ExportMeta {
  name: string;
  description?: string;
}

/**
 * A file format as a sequence of parts: fixed text, or a function applied to
 * every fix in time order (`i` counts from 0 within that part). A format that
 * needs the fixes twice (times, then coordinates) has two such parts, and the
 * fixes are read twice rather than held in memory.
 */
export type ExportPart = string | ((f: StoredFix, i: number) => string);

export interface ExportFormat {
  extension: string;
  mediaType: string;
  parts(meta: ExportMeta): ExportPart[];
  /** the whole file when the range holds fewer than two fixes, for a format whose track needs two (GeoJSON's LineString) */
  few?(fixes: StoredFix[], meta: ExportMeta): string;
}

/** ISO 8601 UTC, with milliseconds only when the fix has them. */
export function isoTime(epochS: number): string {
  const iso = new Date(Math.round(epochS * 1000)).toISOString();
  return iso.endsWith(".000Z") ? iso.slice(0, -5) + "Z" : iso;
}

/** Text for XML: markup characters escaped, and characters XML 1.0 forbids left out (a name stored before they were refused). */
export function escapeXml(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\p{Cs}\uFFFE\uFFFF]/gu, "").replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * `v` to at most `decimals` decimals without trailing zeros, always in plain
 * notation: String() writes 5e-7 near 0, which XML Schema's decimal (GPX's
 * latitudeType) and KML readers refuse.
 */
export function num(v: number, decimals: number): string {
  let s = v.toFixed(decimals);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s === "-0" ? "0" : s;
}

/** Degrees to 7 decimals (about 1 cm). */
export const deg = (v: number) => num(v, 7);
