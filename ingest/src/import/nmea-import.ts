import { KNOT } from "@kayaktrack/firmware/units";
import { parseNmeaSentence } from "nmea-simple";
import type { Fix } from "../fix.ts";
import { ImportError, type ParsedFile } from "./import-error.ts";
import { LineSplitter } from "./lines.ts";
import type { TextParser } from "./text-parser.ts";

/** A latitude or longitude field, (d)ddmm.mmmm: digits and a decimal point, nothing else. */
const DDMM = /^\d+(\.\d+)?$/;

/**
 * Milliseconds since midnight UTC from an NMEA time field hhmmss(.s…). Read
 * here rather than taken from nmea-simple, whose RMC datetime drops a
 * fraction of three digits (102143.990 becomes 10:21:43.000).
 */
function timeOfDay(hhmmss: string | null): number | undefined {
  const m = hhmmss && /^(\d\d)(\d\d)(\d\d(?:\.\d+)?)$/.exec(hhmmss);
  return m ? Math.round(((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000) : undefined;
}

/** Epoch ms of an RMC date field ddmmyy (years 80–99 are 19xx, as gpsd reads them) at a time of day. */
function rmcTime(ddmmyy: string | null, tod: number): number | undefined {
  const m = ddmmyy && /^(\d\d)(\d\d)(\d\d)$/.exec(ddmmyy);
  if (!m) return undefined;
  const yy = Number(m[3]);
  return Date.UTC(yy >= 80 ? 1900 + yy : 2000 + yy, Number(m[2]) - 1, Number(m[1])) + tod;
}

/** A field's text, or null when empty (nmea-simple reads empty numbers as 0). */
const raw = (fields: string[], i: number) => (fields[i] === undefined || fields[i] === "" ? null : fields[i]);

/**
 * Fixes from an NMEA 0183 log, parsed with nmea-simple: each valid RMC (status A,
 * with a date) is a fix; the GGA of the same second adds altitude, satellites and
 * HDOP. Lines that are not sentences, fail their checksum or cannot be decoded are
 * skipped and counted. Fed the log's text in pieces (`write`), then `finish`.
 */
export class NmeaLogParser implements TextParser<Fix> {
  private readonly fixes: Fix[] = [];
  private readonly skipped: Record<string, number> = {};
  private readonly lines = new LineSplitter((line) => this.line(line));
  private gga: { tod: number; alt: number | null; sats: number | null; hdop: number | null } | undefined;
  private lastTod: number | undefined;

  write(text: string): void {
    this.lines.write(text);
  }

  finish(): ParsedFile<Fix> {
    this.lines.end();
    if (this.fixes.length === 0) throw new ImportError("the NMEA log has no valid RMC sentences with a date, so no fixes");
    return { fixes: this.fixes, skipped: this.skipped };
  }

  private skip(why: string): void {
    this.skipped[why] = (this.skipped[why] ?? 0) + 1;
  }

  private line(line: string): void {
    const s = line.trim();
    if (s === "" || s.startsWith("#")) return; // gpsd logs carry # comments
    const start = s.indexOf("$");
    if (start < 0) return this.skip("not a sentence");
    const sentence = s.slice(start);
    if (!checksumOk(sentence)) return this.skip("bad checksum");
    let packet;
    try {
      packet = parseNmeaSentence(sentence);
    } catch {
      return this.skip("undecodable sentence");
    }
    const fields = sentence.split("*")[0]!.split(",");
    if (packet.sentenceId === "GGA") {
      // GGA fields: 6 quality, 7 satellites used, 8 HDOP, 9 altitude above mean sea level.
      const tod = timeOfDay(raw(fields, 1));
      if (packet.fixType === "none" || tod === undefined) return;
      const extra = { tod, alt: num(raw(fields, 9)), sats: num(raw(fields, 7)), hdop: num(raw(fields, 8)) };
      const last = this.fixes[this.fixes.length - 1];
      if (last && this.lastTod === extra.tod) Object.assign(last, { alt: extra.alt, sats: extra.sats, hdop: extra.hdop });
      else this.gga = extra;
    } else if (packet.sentenceId === "RMC") {
      // RMC fields: 2 status (A valid), 7 speed over ground in knots, 8 course, 9 date ddmmyy.
      const tod = timeOfDay(raw(fields, 1));
      if (tod === undefined) return;
      const ms = rmcTime(raw(fields, 9), tod);
      if (packet.status !== "valid" || ms === undefined) return;
      // Fields 3–6, read strictly: nmea-simple takes "4`16.9" as 4 (two corrupted bytes can cancel out in the checksum).
      if (!DDMM.test(fields[3] ?? "") || !/^[NS]$/.test(fields[4] ?? "") || !DDMM.test(fields[5] ?? "") || !/^[EW]$/.test(fields[6] ?? "")) {
        return this.skip("unreadable position");
      }
      const speed = num(raw(fields, 7));
      const withGga = this.gga?.tod === tod ? this.gga : undefined;
      this.fixes.push({
        time: ms / 1000,
        lat: packet.latitude,
        lon: packet.longitude,
        alt: withGga?.alt ?? null,
        speed: speed === null ? null : speed * KNOT,
        course: num(raw(fields, 8)),
        hdop: withGga?.hdop ?? null,
        sats: withGga?.sats ?? null,
        accuracy: null,
        battery: null,
      });
      this.lastTod = tod;
    }
  }
}

/** A whole log's fixes (NmeaLogParser). */
export function parseNmeaLog(text: string): ParsedFile<Fix> {
  const parser = new NmeaLogParser();
  parser.write(text);
  return parser.finish();
}

/** NMEA 0183: the XOR of the characters between '$' and '*', as two hex digits. */
function checksumOk(sentence: string): boolean {
  const star = sentence.lastIndexOf("*");
  if (star < 0) return false;
  let x = 0;
  for (let i = 1; i < star; i++) x ^= sentence.charCodeAt(i);
  return sentence.slice(star + 1, star + 3).toUpperCase() === x.toString(16).toUpperCase().padStart(2, "0");
}

function num(v: string | null): number | null {
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
