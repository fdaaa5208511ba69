import { bytesOf } from "../bytes-of.ts";
import { round, type WireFix } from "../wire/batch.ts";
import { crc16 } from "../wire/crc16.ts";
import type { Files } from "../hal/files.ts";

/** The fix of one sealed journal line, or undefined when the line is torn or damaged. */
export function journalLineFix(line: string): WireFix | undefined {
  const text = unseal(line);
  if (text === undefined) return undefined;
  const v = text.split(",");
  if (v.length !== 8) return undefined;
  const f = { time: value(v[0])!, lat: value(v[1])!, lon: value(v[2])!, alt: value(v[3]), speed: value(v[4]), course: value(v[5]), hdop: value(v[6]), sats: value(v[7]) };
  // A line the wire cannot carry (no time or position) is damage, skipped like a torn one.
  return f.time >= 0 && Math.abs(f.lat) <= 90 && Math.abs(f.lon) <= 180 ? f : undefined;
}

/** A place in the journal: file number and character offset. */
export interface JournalPosition {
  file: number;
  offset: number;
}

export interface JournalOptions {
  files: Files;
  /** a journal file is closed and the next begun past this size (FAT is slow with big appends), and at midnight UTC */
  maxFileBytes?: number;
  /** acknowledged files are removed, oldest first, once the journal takes more than this (Espruino cannot ask a card for its free space) */
  maxCardBytes?: number;
}

/** 8.3 names, as the FAT card wants: J0000001.TXT for fixes, C0000001.TXT for the upload cursor */
const fileName = (n: number) => "J" + ("000000" + n).slice(-7) + ".TXT";
const cursorName = (n: number) => "C" + ("000000" + n).slice(-7) + ".TXT";
// Espruino 2v29 regular expressions have no {n} or ? quantifiers.
const JOURNAL_FILE = /^J(\d\d\d\d\d\d\d)\.TXT$/;
const CURSOR_FILE = /^C(\d\d\d\d\d\d\d)\.TXT$/;

/**
 * A batch's seq is its first fix's time as the wire codes it: tenths of a
 * second since 1970. A batch sent again keeps its seq (it is in the cursor
 * file), a new card or a new board never reuses one (a device's fixes have
 * distinct times), and it has no date range of its own: any time a GPS can
 * report is ≥ 0 and far below 2^53 (docs/wire-format.md). Seqs of the former
 * rule (tenths since 2023-11-14, below 2^32) still in a cursor file are sent
 * as they were; they lie below every new one after August 1983.
 */
export const batchSeq = (firstFixTime: number) => round(firstFixTime * 10);

/** A batch on its way: sent, not yet acknowledged. */
export interface JournalBatch {
  seq: number;
  /** its fixes, or [] when nextBatch() handed them to a callback one by one */
  fixes: WireFix[];
  count: number;
  start: JournalPosition;
  end: JournalPosition;
}

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

/**
 * A number rounded to `decimals` decimals, without trailing zeros, written from
 * integers so that the board and Node write the same text: Espruino prints
 * 1779444000.1 as "1779444000.09999990463", and its toFixed rounds halves
 * otherwise than Node's ((2.5).toFixed(0) is "2"; firmware/README.md, Espruino pitfalls).
 */
function field(v: number | null, decimals: number): string {
  if (v === null) return "";
  const scale = Math.pow(10, decimals);
  const n = round(Math.abs(v) * scale);
  const whole = Math.floor(n / scale);
  let frac = decimals ? String(n - whole * scale + scale).substring(1) : "";
  while (frac.charAt(frac.length - 1) === "0") frac = frac.substring(0, frac.length - 1);
  return (v < 0 && n ? "-" : "") + whole + (frac ? "." + frac : "");
}
const value = (s: string | undefined) => (s === undefined || s === "" ? null : parseFloat(s));

/**
 * The SD journal: every kept fix is appended as one sealed text line at once
 * (no RAM buffer, so a power cut loses at most the fix being written). Uploads
 * go through the cursor file: before a batch is sent its range and seq are
 * recorded (B), after the acknowledgement the new cursor (A). After a power
 * cut an unacknowledged batch is sent again byte for byte with the same seq,
 * which the server answers without storing anything twice; a torn cursor line
 * is ignored, so the cursor falls back to the last whole record, never past
 * an unacknowledged fix. A torn journal line is skipped.
 */
export class Journal {
  /** lines skipped because they were torn or damaged */
  torn = 0;
  private readonly files: Files;
  private readonly maxFileBytes: number;
  private readonly maxCardBytes: number;
  /** the UTC day of the last fix appended */
  private day = -1;
  /** batches the server refused as invalid, set aside (their fixes stay on the card) */
  setAside = 0;
  private current = 1;
  private cursor: JournalPosition = { file: 1, offset: 0 };
  private batch: JournalBatch | undefined;
  private cursorFile = 1;
  /** older cursor files still on the card, removed once the current one holds a record */
  private oldCursorFiles: number[] = [];

  constructor(o: JournalOptions) {
    this.files = o.files;
    this.maxFileBytes = o.maxFileBytes || 256 * 1024;
    this.maxCardBytes = o.maxCardBytes || 64 * 1024 * 1024;
  }

  /** Finds the newest file and the cursor after a start (or a power cut). */
  open(): void {
    const numbers = this.journalFiles();
    this.current = numbers.length ? numbers[numbers.length - 1]! : 1;
    this.cursor = { file: numbers.length ? numbers[0]! : 1, offset: 0 };
    this.batch = undefined;
    this.readCursor();
    // A line cut short by a power cut is ended here, so the next record starts on its own line.
    this.endTornLine(fileName(this.current));
    this.endTornLine(cursorName(this.cursorFile));
  }

  private endTornLine(name: string): void {
    const size = this.files.size(name);
    if (size > 0 && this.files.read(name, size - 1, 1) !== "\n") this.files.append(name, "\n");
  }

  append(f: WireFix): void {
    const line = seal(
      [field(f.time, 1), field(f.lat, 6), field(f.lon, 6), field(f.alt, 1), field(f.speed, 2), field(f.course, 1), field(f.hdop, 1), field(f.sats, 0)].join(","),
    );
    const size = this.files.size(fileName(this.current));
    const day = Math.floor(f.time / 86400);
    // A new file past the size limit, and with a new day (after a restart the file's own day is unknown: a new file if it has fixes).
    if ((size && day !== this.day) || size + line.length > this.maxFileBytes) {
      this.current++;
      // Once per new file (it lists the card): acknowledged files go while the journal is over budget.
      this.prune();
    }
    this.day = day;
    this.files.append(fileName(this.current), line);
  }

  /** true when fixes are waiting for an acknowledgement (cheap: no line is parsed) */
  hasPending(): boolean {
    if (this.batch) return true;
    for (let f = this.cursor.file; f <= this.current; f++) {
      if (this.files.size(fileName(f)) > (f === this.cursor.file ? this.cursor.offset : 0)) return true;
    }
    return false;
  }

  /**
   * The batch to send: the unacknowledged one again if there is one (same
   * fixes, same seq), else the next up to `max` fixes, recorded before it goes.
   * undefined when everything is acknowledged. With `each`, the fixes go to it
   * one by one and are not kept (the board encodes them as they come); it
   * returns false to end the batch before a fix.
   */
  nextBatch(max: number, each?: (f: WireFix) => boolean | void): JournalBatch | undefined {
    if (this.batch) {
      const again = this.read(this.batch.start, this.batch.end, Infinity, each);
      return (this.batch = { seq: this.batch.seq, fixes: again.fixes, count: again.count, start: this.batch.start, end: this.batch.end });
    }
    const { fixes, count, first, end } = this.read(this.cursor, undefined, max, each);
    if (count === 0) {
      // Only damaged lines: step over them.
      if (end.file !== this.cursor.file || end.offset !== this.cursor.offset) this.record("A", 0, end);
      return undefined;
    }
    const batch = { seq: batchSeq(first), fixes, count, start: this.cursor, end };
    this.record("B", batch.seq, end, batch.start);
    this.batch = batch;
    return batch;
  }

  /** The server stored the batch: the cursor moves past it. */
  acknowledge(seq: number): void {
    const b = this.batch;
    if (!b || b.seq !== seq) throw new Error("batch " + seq + " is not the one under way");
    this.record("A", seq, b.end);
  }

  /** The server refused the batch as invalid: it is set aside (counted, never sent again). */
  setAsideBatch(seq: number): void {
    this.acknowledge(seq);
    this.setAside++;
  }

  /** Fixes from `from` up to `until` (or `max` of them), to `each` or collected, and the place after the last line read. */
  private read(
    from: JournalPosition,
    until: JournalPosition | undefined,
    max: number,
    each?: (f: WireFix) => boolean | void,
  ): { fixes: WireFix[]; count: number; first: number; end: JournalPosition } {
    const fixes: WireFix[] = [];
    let count = 0;
    let first = 0;
    let pos: JournalPosition = { file: from.file, offset: from.offset };
    const before = (p: JournalPosition) => !until || p.file < until.file || (p.file === until.file && p.offset < until.offset);
    while (count < max && pos.file <= this.current && before(pos)) {
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
      const f = journalLineFix(chunk.substring(0, nl));
      if (f) {
        // `each` says false when its batch is full: this line starts the next one.
        if (each && each(f) === false) break;
        if (count++ === 0) first = f.time;
        if (!each) fixes.push(f);
      } else this.torn++;
      pos = { file: pos.file, offset: pos.offset + nl + 1 };
    }
    return { fixes, count, first, end: pos };
  }

  /**
   * Appends a cursor record: "B,seq,endFile,endOffset,startFile,startOffset"
   * (a batch about to go) or "A,seq,file,offset" (acknowledged up to there).
   * A full cursor file is continued in the next one, and the old one removed
   * only once the new one holds the state.
   */
  private record(kind: "A" | "B", seq: number, end: JournalPosition, start?: JournalPosition): void {
    const line = seal([kind, seq, end.file, end.offset].concat(start ? [start.file, start.offset] : []).join(","));
    const name = cursorName(this.cursorFile);
    if (this.files.size(name) + line.length > 4096) {
      this.oldCursorFiles.push(this.cursorFile);
      this.cursorFile++;
    }
    this.files.append(cursorName(this.cursorFile), line);
    while (this.oldCursorFiles.length) this.files.remove(cursorName(this.oldCursorFiles.pop()!));
    if (kind === "A") {
      this.cursor = end;
      this.batch = undefined;
    }
  }

  /**
   * Removes acknowledged journal files, oldest first, while the journal takes
   * more than maxCardBytes (`all`: every acknowledged one); never a file with
   * an unacknowledged fix. Returns how many went.
   */
  prune(all?: boolean): number {
    const numbers = this.journalFiles();
    let total = 0;
    for (let i = 0; i < numbers.length; i++) total += this.files.size(fileName(numbers[i]!));
    let removed = 0;
    for (let i = 0; i < numbers.length && numbers[i]! < this.cursor.file && (all || total > this.maxCardBytes); i++) {
      total -= this.files.size(fileName(numbers[i]!));
      this.files.remove(fileName(numbers[i]!));
      removed++;
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

  /** The state in the last whole record of the newest cursor file that has one. */
  private readCursor(): void {
    const numbers: number[] = [];
    const names = this.files.list();
    for (let i = 0; i < names.length; i++) {
      const m = CURSOR_FILE.exec(names[i]!);
      if (m) numbers.push(parseInt(m[1]!, 10));
    }
    numbers.sort((a, b) => b - a);
    this.cursorFile = numbers.length ? numbers[0]! : 1;
    this.oldCursorFiles = numbers.slice(1);
    for (let k = 0; k < numbers.length; k++) {
      const name = cursorName(numbers[k]!);
      const size = this.files.size(name);
      const lines = this.files.read(name, Math.max(0, size - 512), 512).split("\n");
      for (let i = lines.length - 1; i >= 0; i--) {
        const text = unseal(lines[i]!);
        if (text === undefined) continue;
        const v = text.split(",").slice(1).map((x) => parseInt(x, 10));
        const end = { file: v[1]!, offset: v[2]! };
        if (text.charAt(0) === "A") this.cursor = end;
        else {
          this.cursor = { file: v[3]!, offset: v[4]! };
          this.batch = { seq: v[0]!, fixes: [], count: 0, start: this.cursor, end };
        }
        return;
      }
    }
  }
}
