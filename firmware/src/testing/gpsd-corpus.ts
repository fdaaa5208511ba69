import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Real receivers' NMEA logs with the fixes gpsd made of each beside them
 * (`LOG.chk`, JSON TPV lines): the workplace's shared corpus, the test oracle
 * of every NMEA reader here (the firmware's parser, the ingest's log import).
 */
export const GPSD_CORPUS = join(import.meta.dirname, "../../../../shared/corpora/gpsd");

/** The `*.log` files of a corpus directory, sorted. */
export const corpusLogs = (dir = GPSD_CORPUS): string[] => readdirSync(dir).filter((f) => f.endsWith(".log")).sort();

/** A log's text, one character per byte (some logs hold binary noise). */
export const readLog = (log: string, dir = GPSD_CORPUS): string => readFileSync(join(dir, log), "latin1");

/** A gpsd TPV record (gpsd's JSON protocol): a fix when mode ≥ 2. */
export interface GpsdTpv {
  mode: number;
  time?: string;
  lat?: number;
  lon?: number;
  /** m */
  alt?: number;
  /** m/s */
  speed?: number;
  /** degrees true */
  track?: number;
}

/** A TPV with a time and a position. */
export type GpsdFix = GpsdTpv & { time: string; lat: number; lon: number };

/** gpsd's fixes of a log: its TPV records with mode ≥ 2, a time and a position. */
export function gpsdFixes(log: string, dir = GPSD_CORPUS): GpsdFix[] {
  const fixes: GpsdFix[] = [];
  for (const line of readFileSync(join(dir, log + ".chk"), "latin1").split("\n")) {
    // A TPV record is a JSON line of its own (a few .chk files hold raw log lines too).
    if (!line.startsWith("{") || !line.includes('"class":"TPV"')) continue;
    const t = JSON.parse(line) as GpsdTpv;
    if (t.mode >= 2 && t.time !== undefined && t.lat !== undefined && t.lon !== undefined) fixes.push({ ...t, time: t.time, lat: t.lat, lon: t.lon });
  }
  return fixes;
}
