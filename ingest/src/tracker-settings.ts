import { settingsFromAck } from "@kayaktrack/firmware/config";
import { HttpError } from "./http-error.ts";
import type { TrackerSettings } from "./store/store.ts";

/** The words of an acknowledgement that carry the settings to the tracker (docs/wire-format.md). */
export function ackSettings(s: TrackerSettings | null): string[] {
  const words: string[] = [];
  if (s?.uploadEveryS !== undefined) words.push(`every=${s.uploadEveryS}`);
  if (s?.uploadAfterFixes !== undefined) words.push(`after=${s.uploadAfterFixes}`);
  return words;
}

/**
 * Checks settings from the admin API or the command line: only what the
 * firmware itself would accept (it checks again, with the same code), so a
 * tracker is never sent a value it drops. null clears them.
 */
export function checkTrackerSettings(v: unknown): TrackerSettings | null {
  if (v === null) return null;
  if (typeof v !== "object" || Array.isArray(v)) throw new HttpError(400, "bad settings", "settings are an object or null");
  const o = v as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => k !== "uploadEveryS" && k !== "uploadAfterFixes");
  if (unknown.length) throw new HttpError(400, "bad settings", `unknown setting ${unknown.join(", ")}: there are uploadEveryS and uploadAfterFixes`);
  const s: TrackerSettings = {};
  if (o.uploadEveryS !== undefined && o.uploadEveryS !== null) s.uploadEveryS = o.uploadEveryS as number;
  if (o.uploadAfterFixes !== undefined && o.uploadAfterFixes !== null) s.uploadAfterFixes = o.uploadAfterFixes as number;
  const accepted = settingsFromAck(ackSettings(s));
  for (const [k, range] of [["uploadEveryS", "60 to 86400"], ["uploadAfterFixes", "1 to 10000"]] as const) {
    if (s[k] !== undefined && accepted[k] !== s[k]) throw new HttpError(400, "bad settings", `${k} must be a whole number from ${range}`);
  }
  return Object.keys(s).length ? s : null;
}
