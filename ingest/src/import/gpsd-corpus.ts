import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Real receivers' NMEA logs with the fixes gpsd made of each beside them
 * (`LOG.chk`, JSON TPV lines): the workplace's shared corpus, a test oracle.
 */
export const CORPUS = join(import.meta.dirname, "../../../../shared/corpora/gpsd");

export const corpusLogs = (): string[] => readdirSync(CORPUS).filter((f) => f.endsWith(".log")).sort();

/**
 * gpsd's fixes (mode ≥ 2) of a log, keyed by time of day in ms: gpsd may move
 * old logs' dates by GPS week rollovers, so only the time of day is compared.
 */
export function gpsdFixes(log: string): Map<number, { lat: number; lon: number }> {
  const byTod = new Map<number, { lat: number; lon: number }>();
  for (const line of readFileSync(join(CORPUS, log + ".chk"), "utf8").split("\n")) {
    if (!line.includes('"TPV"')) continue;
    const tpv = JSON.parse(line) as { mode: number; time?: string; lat?: number; lon?: number };
    if (tpv.mode >= 2 && tpv.time && tpv.lat !== undefined && tpv.lon !== undefined) {
      byTod.set(Date.parse(tpv.time) % 86_400_000, { lat: tpv.lat, lon: tpv.lon });
    }
  }
  return byTod;
}
