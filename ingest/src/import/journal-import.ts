import { journalLineFix } from "@kayaktrack/firmware/journal";
import { makeFix, type Fix } from "../fix.ts";
import { ImportError, type ParsedFile } from "./import-error.ts";
import { PROGRESS_LINES, type OnProgress } from "./on-progress.ts";

/**
 * Fixes from the tracker's own SD journal files (J0000001.TXT …, one sealed
 * line per fix, firmware/src/journal/journal.ts): the way in for a trip
 * recorded without coverage. Torn or damaged lines are skipped and counted.
 */
export function parseJournal(text: string, onProgress?: OnProgress): ParsedFile<Fix | "invalid"> {
  const fixes: Array<Fix | "invalid"> = [];
  const skipped: Record<string, number> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (onProgress && i % PROGRESS_LINES === 0) onProgress(i / lines.length);
    if (line === "") continue;
    const f = journalLineFix(line);
    if (!f) skipped["torn or damaged line"] = (skipped["torn or damaged line"] ?? 0) + 1;
    else fixes.push(makeFix(f.time, f.lat, f.lon, { alt: f.alt, speed: f.speed, course: f.course, hdop: f.hdop, sats: f.sats }));
  }
  if (fixes.length === 0) throw new ImportError("the journal file has no whole fix lines");
  return { fixes, skipped };
}
