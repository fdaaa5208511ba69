import { bytesOf } from "../bytes-of.ts";
import type { WireFix } from "../wire/batch.ts";
import { crc16 } from "../wire/crc16.ts";
import type { Files } from "./files.ts";

/** A place in the journal: file number and character offset. */
export interface JournalPosition {
  file: number;
  offset: number;
}

export interface JournalOptions {
  files: Files;
  /** a journal file is closed and the next begun past this size (FAT is slow with big appends) */
  maxFileBytes?: number;
}

const CURSOR = "CURSOR.TXT";
/** 8.3 names, as the FAT card wants: J0000001.TXT */
const fileName = (n: number) => "J" + ("000000" + n).slice(-7) + ".TXT";
const JOURNAL_FILE = /^J(\d{7})\.TXT$/;

/** `text*hhhh`: the CRC-16 of the text, so a torn or damaged line is recognized. */
function seal(text: string): string {
  return text + "*" + ("000" + crc16(bytesOf(text)).toString(16)).slice(-4) + "\n";
}
function unseal(line: string): string | undefined {
  const star = line.lastIndexOf("*");
  if (star < 0) return undefined;
  const text = line.substring(0, star);
  return seal(text) === line + "\n" ? text : undefined;
}

const field = (v: number | null, decimals: number) => (v === null ? "" : String(Math.round(v * Math.pow(10, decimals)) / Math.pow(10, decimals)));
const value = (s: string | undefined) => (s === undefined || s === "" ? null : parseFloat(s));

/**
 * The SD journal: every kept fix is appended as one sealed text line at once
 * (no RAM buffer, so a power cut loses at most the fix being written), and an
 * upload cursor is appended to its own file only after the server has
 * acknowledged. A cursor line torn by a power cut is ignored, so the cursor
 * can only fall back to an earlier place, never past unacknowledged fixes;
 * what is sent twice the server stores once. A torn journal line is skipped.
 */
export class Journal {
  /** lines skipped because they were torn or damaged */
  torn = 0;
  private readonly files: Files;
  private readonly maxFileBytes: number;
  private current = 1;
  private cursor: JournalPosition = { file: 1, offset: 0 };

  constructor(o: JournalOptions) {
    this.files = o.files;
    this.maxFileBytes = o.maxFileBytes ?? 256 * 1024;
  }

  /** Finds the newest file and the cursor after a start (or a power cut). */
  open(): void {
    const numbers = this.journalFiles();
    this.current = numbers.length ? numbers[numbers.length - 1]! : 1;
    this.cursor = this.readCursor() ?? { file: numbers.length ? numbers[0]! : 1, offset: 0 };
    // A line cut short by a power cut is ended here, so the next record starts on its own line.
    const size = this.files.size(fileName(this.current));
    if (size > 0 && this.files.read(fileName(this.current), size - 1, 1) !== "\n") this.files.append(fileName(this.current), "\n");
  }

  append(f: WireFix): void {
    const line = seal(
      [field(f.time, 1), field(f.lat, 6), field(f.lon, 6), field(f.alt, 1), field(f.speed, 2), field(f.course, 1), field(f.hdop, 1), field(f.sats, 0)].join(","),
    );
    if (this.files.size(fileName(this.current)) + line.length > this.maxFileBytes) this.current++;
    this.files.append(fileName(this.current), line);
  }

  /** Up to `max` unacknowledged fixes from the cursor on, and the place after them. */
  pending(max: number): { fixes: WireFix[]; end: JournalPosition } {
    const fixes: WireFix[] = [];
    let pos: JournalPosition = { file: this.cursor.file, offset: this.cursor.offset };
    while (fixes.length < max && pos.file <= this.current) {
      const name = fileName(pos.file);
      const size = this.files.size(name);
      if (pos.offset >= size) {
        if (pos.file === this.current) break;
        pos = { file: pos.file + 1, offset: 0 };
        continue;
      }
      // Lines are short: a few hundred characters hold several whole ones.
      const chunk = this.files.read(name, pos.offset, 512);
      const nl = chunk.indexOf("\n");
      if (nl < 0) {
        if (chunk.length < 512) break; // the last line, still being written
        this.torn++; // no record is this long: damage, skipped
        pos = { file: pos.file, offset: pos.offset + chunk.length };
        continue;
      }
      const text = unseal(chunk.substring(0, nl));
      if (text === undefined) this.torn++;
      else {
        const v = text.split(",");
        fixes.push({ time: value(v[0])!, lat: value(v[1])!, lon: value(v[2])!, alt: value(v[3]), speed: value(v[4]), course: value(v[5]), hdop: value(v[6]), sats: value(v[7]) });
      }
      pos = { file: pos.file, offset: pos.offset + nl + 1 };
    }
    return { fixes, end: pos };
  }

  /** Moves the cursor after the server acknowledged everything before `end`. */
  acknowledge(end: JournalPosition): void {
    if (this.files.size(CURSOR) > 4096) {
      // Starting the cursor file again: a power cut here leaves no cursor, and everything is sent again (stored once).
      this.files.remove(CURSOR);
    }
    this.files.append(CURSOR, seal(end.file + "," + end.offset));
    this.cursor = { file: end.file, offset: end.offset };
  }

  /** Removes journal files every fix of which has been acknowledged (never an unacknowledged one). */
  prune(): number {
    let removed = 0;
    const numbers = this.journalFiles();
    for (let i = 0; i < numbers.length; i++) {
      if (numbers[i]! < this.cursor.file) {
        this.files.remove(fileName(numbers[i]!));
        removed++;
      }
    }
    return removed;
  }

  private journalFiles(): number[] {
    const numbers: number[] = [];
    const names = this.files.list();
    for (let i = 0; i < names.length; i++) {
      const m = JOURNAL_FILE.exec(names[i]!);
      if (m) numbers.push(parseInt(m[1]!, 10));
    }
    return numbers.sort((a, b) => a - b);
  }

  /** The last sealed line of the cursor file. */
  private readCursor(): JournalPosition | undefined {
    const size = this.files.size(CURSOR);
    const lines = this.files.read(CURSOR, Math.max(0, size - 512), 512).split("\n");
    for (let i = lines.length - 1; i >= 0; i--) {
      const text = unseal(lines[i]!);
      if (text === undefined) continue;
      const v = text.split(",");
      return { file: parseInt(v[0]!, 10), offset: parseInt(v[1]!, 10) };
    }
    return undefined;
  }
}
