import { expect } from "vitest";
import type { GpsFix } from "../fix/gps-fix.ts";
import { prng } from "./prng.ts";
import { corpusLogs, readLog } from "./gpsd-corpus.ts";

export { prng };

/** `text` cut into seeded random chunks of 1 to `max` characters (serial data arrives like that). */
export function randomSplits(text: string, seed: number, max = 40): string[] {
  const r = prng(seed);
  const parts: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + r.int(max);
    parts.push(text.slice(i, i + n));
    i += n;
  }
  return parts;
}

/** Real receivers' logs (the workplace's gpsd corpus): the parser's test fixtures. */
export const LOGS = corpusLogs();
export { readLog };

const YEAR_2000 = 946684800;

/** The one sanity check every decoded fix passes (Traccar's rule). */
export function expectSane(f: Pick<GpsFix, "time" | "lat" | "lon"> & { speed?: number | null | undefined; course?: number | null | undefined }, where = "") {
  expect(Math.abs(f.lat), where).toBeLessThanOrEqual(90);
  expect(Math.abs(f.lon), where).toBeLessThanOrEqual(180);
  if (f.speed !== undefined && f.speed !== null) {
    expect(f.speed, where).toBeGreaterThanOrEqual(0);
    expect(f.speed, where).toBeLessThan(400);
  }
  if (f.course !== undefined && f.course !== null) {
    expect(f.course, where).toBeGreaterThanOrEqual(0);
    expect(f.course, where).toBeLessThanOrEqual(360);
  }
  expect(f.time, where).toBeGreaterThanOrEqual(YEAR_2000);
  expect(f.time, where).toBeLessThanOrEqual(Date.now() / 1000 + 86400);
}
