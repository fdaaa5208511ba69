import type { Fix } from "../fix.ts";
import { GpxParser } from "./gpx-import.ts";
import { JournalParser } from "./journal-import.ts";
import { ImportError, type ParsedFile } from "./import-error.ts";
import { NmeaLogParser } from "./nmea-import.ts";
import type { TextParser } from "./text-parser.ts";

export type ImportFormat = "gpx" | "nmea" | "journal";
export const IMPORT_FORMATS: ImportFormat[] = ["gpx", "nmea", "journal"];

/** Characters that tell a file's format when its name does not. */
const HEAD_CHARS = 512;

/** The format of a file by its name, else by its first bytes. */
export function detectFormat(name: string, text: string): ImportFormat {
  if (/(^|\/)J\d{7}\.TXT$/i.test(name)) return "journal";
  if (/\.gpx$/i.test(name)) return "gpx";
  if (/\.(nmea|log|txt)$/i.test(name)) return "nmea";
  const head = text.slice(0, HEAD_CHARS).trimStart();
  if (head.startsWith("<")) return "gpx";
  if (/^(#.*\n)*\s*\$[A-Z]{2}/.test(head)) return "nmea";
  if (/^[\d.]+,-?[\d.]+,-?[\d.]+,[^\n]*\*[0-9a-f]{4}\n/.test(head)) return "journal";
  throw new ImportError(`cannot tell the format of '${name}': name it .gpx or .nmea, or keep a journal file's J0000001.TXT name`);
}

/** How far parsing has got: a share 0–1 of the file, now and then (kayaktrack import's progress bar). */
export type OnProgress = (share: number) => void;

export interface ImportOptions {
  format?: ImportFormat;
  /** for GPX without times: epoch seconds of the first point */
  start?: number;
  /** largest file accepted, bytes */
  maxBytes: number;
}

export type ParsedImport = ParsedFile<Fix | "invalid"> & { format: ImportFormat };

/**
 * Parses one file to import as its bytes arrive (`write` each piece, then
 * `finish`): UTF-8 is decoded piece by piece and each format's parser reads
 * as it goes, so a file is never whole in memory, only what it holds. Throws
 * ImportError with the reason when the file cannot be imported.
 */
export class ImportParser {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private parser: TextParser<Fix | "invalid"> | undefined;
  private head = "";
  private bytes = 0;
  format: ImportFormat | undefined;

  constructor(
    private readonly name: string,
    private readonly options: ImportOptions,
  ) {}

  write(piece: Uint8Array): void {
    this.bytes += piece.length;
    if (this.bytes > this.options.maxBytes) {
      throw new ImportError(`'${this.name}' has over ${this.options.maxBytes} bytes, the import limit (split the file)`);
    }
    this.feed(this.decode(piece), false);
  }

  finish(): ParsedImport {
    if (this.bytes === 0) throw new ImportError(`'${this.name}' is empty`);
    this.feed(this.decode(), true);
    return { format: this.format!, ...this.parser!.finish() };
  }

  private decode(piece?: Uint8Array): string {
    try {
      return piece ? this.decoder.decode(piece, { stream: true }) : this.decoder.decode();
    } catch {
      throw new ImportError(`'${this.name}' is not UTF-8 text`);
    }
  }

  private feed(text: string, last: boolean): void {
    if (!this.parser) {
      // The format is told from the name, else from the first characters: those wait until there are enough.
      this.head += text;
      if (this.options.format === undefined && this.head.length < HEAD_CHARS && !last) return;
      this.format = this.options.format ?? detectFormat(this.name, this.head);
      this.parser =
        this.format === "gpx"
          ? new GpxParser({ ...(this.options.start !== undefined && { start: this.options.start }) })
          : this.format === "nmea"
            ? new NmeaLogParser()
            : new JournalParser();
      text = this.head;
      this.head = "";
    }
    if (text) this.parser.write(text);
  }
}

/** Bytes given to a parser at a time, between progress reports. */
const PIECE_BYTES = 1 << 20;

/** Parses a whole file to import (ImportParser), reporting progress between pieces. */
export function parseImport(name: string, bytes: Uint8Array, options: ImportOptions, onProgress?: OnProgress): ParsedImport {
  if (bytes.length > options.maxBytes) {
    throw new ImportError(`'${name}' has ${bytes.length} bytes; the import limit is ${options.maxBytes} bytes (split the file)`);
  }
  const parser = new ImportParser(name, options);
  for (let i = 0; i < bytes.length; i += PIECE_BYTES) {
    parser.write(bytes.subarray(i, i + PIECE_BYTES));
    onProgress?.(Math.min(1, (i + PIECE_BYTES) / bytes.length));
  }
  return parser.finish();
}
