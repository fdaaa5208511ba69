import type { Fix } from "../fix.ts";
import { parseGpx } from "./gpx-import.ts";
import { parseJournal } from "./journal-import.ts";
import { ImportError, type ParsedFile } from "./import-error.ts";
import { parseNmeaLog } from "./nmea-import.ts";
import type { OnProgress } from "./on-progress.ts";

export type ImportFormat = "gpx" | "nmea" | "journal";
export const IMPORT_FORMATS: ImportFormat[] = ["gpx", "nmea", "journal"];

/** The format of a file by its name, else by its first bytes. */
export function detectFormat(name: string, text: string): ImportFormat {
  if (/(^|\/)J\d{7}\.TXT$/i.test(name)) return "journal";
  if (/\.gpx$/i.test(name)) return "gpx";
  if (/\.(nmea|log|txt)$/i.test(name)) return "nmea";
  const head = text.slice(0, 512).trimStart();
  if (head.startsWith("<")) return "gpx";
  if (/^(#.*\n)*\s*\$[A-Z]{2}/.test(head)) return "nmea";
  if (/^[\d.]+,-?[\d.]+,-?[\d.]+,[^\n]*\*[0-9a-f]{4}\n/.test(head)) return "journal";
  throw new ImportError(`cannot tell the format of '${name}': name it .gpx or .nmea, or keep a journal file's J0000001.TXT name`);
}

export interface ImportOptions {
  format?: ImportFormat;
  /** for GPX without times: epoch seconds of the first point */
  start?: number;
  /** largest file accepted, bytes */
  maxBytes: number;
  /** how far parsing has got (kayaktrack import's progress bar) */
  onProgress?: OnProgress;
}

/** Parses one file to import; throws ImportError with the reason when it cannot be imported. */
export function parseImport(name: string, bytes: Uint8Array, options: ImportOptions): ParsedFile<Fix | "invalid"> & { format: ImportFormat } {
  if (bytes.length > options.maxBytes) {
    throw new ImportError(`'${name}' has ${bytes.length} bytes; the import limit is ${options.maxBytes} bytes (split the file)`);
  }
  if (bytes.length === 0) throw new ImportError(`'${name}' is empty`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ImportError(`'${name}' is not UTF-8 text`);
  }
  const format = options.format ?? detectFormat(name, text);
  const progress = options.onProgress;
  const parsed =
    format === "gpx"
      ? parseGpx(text, { ...(options.start !== undefined && { start: options.start }), ...(progress && { onProgress: progress }) })
      : format === "nmea"
        ? parseNmeaLog(text, progress)
        : parseJournal(text, progress);
  return { format, ...parsed };
}
