import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { daysFromCivil } from "../src/nmea/nmea-sentence.ts";
import { fixesFromNmea } from "../src/fix/fix-reader.ts";
import type { GpsFix } from "../src/fix/gps-fix.ts";
import { corpusLogs, GPSD_CORPUS, gpsdFixes, readLog, type GpsdTpv } from "../src/testing/gpsd-corpus.ts";

/**
 * `pnpm --filter @kayaktrack/firmware corpus [DIR]`: runs the firmware's NMEA
 * pipeline over every *.log in DIR and compares its fixes with the fixes gpsd
 * made of the same log (the TPV lines of the .chk beside it). `--tracker`
 * reads as the tracker does (corroborating: fix-assembler.ts).
 */
/** gpsd moves dates it thinks are before a GPS week rollover on by 1024 weeks; such times are the same fix. */
const ROLLOVER_MS = 1024 * 7 * 86_400_000;

export interface LogResult {
  log: string;
  expected: number;
  matched: number;
  phantom: number;
  /** why expected times were not matched, one line each */
  misses: string[];
  /** times of the fixes gpsd did not produce */
  phantoms: string[];
}

/** The date a gpsd log states in its header (`# Date: 2015-03-18` or `# Date = …`). */
function headerDay(text: string): number | undefined {
  const m = /^#\s*Date\s*[:=]\s*(\d{4})-(\d\d)-(\d\d)/m.exec(text);
  return m ? daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

/** A time key modulo the GPS week rollover, so gpsd's shifted dates compare equal. */
const key = (ms: number) => ((Math.round(ms) % ROLLOVER_MS) + ROLLOVER_MS) % ROLLOVER_MS;

export function compareLog(dir: string, log: string, tracker = false): LogResult {
  const text = readLog(log, dir);
  const tpvs = new Map<number, GpsdTpv>();
  for (const t of gpsdFixes(log, dir)) tpvs.set(key(Date.parse(t.time)), t);
  const fixes = new Map<number, GpsFix>();
  for (const f of fixesFromNmea(text, headerDay(text), 0, tracker)) fixes.set(key(f.time * 1000), f);

  const misses: string[] = [];
  let matched = 0;
  for (const [k, t] of tpvs) {
    const f = fixes.get(k);
    const why = !f ? "no fix" : disagreement(f, t);
    if (why) misses.push(`${t.time}: ${why}`);
    else matched++;
  }
  const phantoms = [...fixes].filter(([k]) => !tpvs.has(k)).map(([, f]) => new Date(Math.round(f.time * 1000)).toISOString());
  return { log, expected: tpvs.size, matched, phantom: phantoms.length, misses, phantoms };
}

/** How a fix differs from gpsd's beyond the tolerances, or "" when it agrees. */
function disagreement(f: GpsFix, t: GpsdTpv): string {
  const off: string[] = [];
  if (Math.abs(f.lat - t.lat!) > 1e-6 || Math.abs(f.lon - t.lon!) > 1e-6) off.push(`position ${f.lat},${f.lon} vs ${t.lat},${t.lon}`);
  if (f.speed !== undefined && t.speed !== undefined && Math.abs(f.speed - t.speed) > 0.01) off.push(`speed ${f.speed} vs ${t.speed}`);
  if (f.course !== undefined && t.track !== undefined && Math.abs(f.course - t.track) > 0.1) off.push(`course ${f.course} vs ${t.track}`);
  if (f.alt !== undefined && t.alt !== undefined && Math.abs(f.alt - t.alt) > 0.1) off.push(`alt ${f.alt} vs ${t.alt}`);
  return off.join("; ");
}

export function runCorpus(dir: string, verbose = false, tracker = false): { expected: number; matched: number; phantom: number; results: LogResult[] } {
  const results = corpusLogs(dir).map((log) => compareLog(dir, log, tracker));
  const expected = results.reduce((n, r) => n + r.expected, 0);
  const matched = results.reduce((n, r) => n + r.matched, 0);
  const phantom = results.reduce((n, r) => n + r.phantom, 0);
  for (const r of results) {
    console.log(`${r.log}: matched ${r.matched}/${r.expected} phantom ${r.phantom}`);
    if (verbose) {
      for (const m of r.misses) console.log(`    missed ${m}`);
      for (const t of r.phantoms) console.log(`    phantom ${t}`);
    }
  }
  console.log(`matched ${matched}/${expected} (${((100 * matched) / Math.max(1, expected)).toFixed(1)}%) phantom ${phantom}`);
  return { expected, matched, phantom, results };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const verbose = args.includes("--verbose");
  const dir = args.find((a) => !a.startsWith("--")) ?? GPSD_CORPUS;
  runCorpus(resolve(dir), verbose, args.includes("--tracker"));
}
