import { journalLineFix } from "@kayaktrack/firmware/journal";
import { makeFix, type Fix } from "../fix.ts";
import { ImportError, type ParsedFile } from "./import-error.ts";
import type { TextParser } from "./text-parser.ts";
import { LineSplitter } from "./lines.ts";

/**
 * Fixes from the tracker's own SD journal files (J0000001.TXT …, one sealed
 * line per fix, firmware/src/journal/journal.ts): the way in for a trip
 * recorded without coverage. Torn or damaged lines are skipped and counted.
 * Fed the file's text in pieces (`write`), then `finish`.
 */
export class JournalParser implements TextParser<Fix | "invalid"> {
  private readonly fixes: Array<Fix | "invalid"> = [];
  private readonly skipped: Record<string, number> = {};
  private readonly lines = new LineSplitter((line) => this.line(line));

  write(text: string): void {
    this.lines.write(text);
  }

  finish(): ParsedFile<Fix | "invalid"> {
    this.lines.end();
    if (this.fixes.length === 0) throw new ImportError("the journal file has no whole fix lines");
    return { fixes: this.fixes, skipped: this.skipped };
  }

  private line(line: string): void {
    if (line === "") return;
    const f = journalLineFix(line);
    if (!f) this.skipped["torn or damaged line"] = (this.skipped["torn or damaged line"] ?? 0) + 1;
    else this.fixes.push(makeFix(f.time, f.lat, f.lon, { alt: f.alt, speed: f.speed, course: f.course, hdop: f.hdop, sats: f.sats }));
  }
}

/** A whole journal file's fixes (JournalParser). */
export function parseJournal(text: string): ParsedFile<Fix | "invalid"> {
  const parser = new JournalParser();
  parser.write(text);
  return parser.finish();
}
