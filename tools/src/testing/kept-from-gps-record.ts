import { readdirSync } from "node:fs";
import { join } from "node:path";
import { FixKeeper } from "@kayaktrack/firmware/fix-keeper";
import type { SamplerOptions } from "@kayaktrack/firmware/sampler";
import type { WireFix } from "@kayaktrack/firmware/wire";
import { readGpsRecord, type GpsRecord } from "../simulate/gps/gps-record.ts";

/** One boot's kept fixes, each with the index of the serial chunk that completed it. */
export interface BootKept {
  kept: Array<{ fix: WireFix; chunk: number }>;
  chunks: number;
  /** bytes the boot read */
  bytes: number;
}

/**
 * What the firmware should have kept, boot by boot, worked out on its own from
 * the record of what it read from the GPS (`run-firmware --record-gps`, a file
 * a boot: gps-1.nmea, gps-2.nmea…): each boot a fresh tracker, parser and
 * sampler, as after a power-on, with the date the firmware's clock had at boot,
 * fed the chunks as the firmware read them. An epoch still open when a boot's
 * record ends gives no fix, as on the board.
 */
export function keptFromGpsRecord(dir: string, sampler?: Partial<SamplerOptions>): BootKept[] {
  const boot = (name: string) => Number(/^gps-(\d+)\.nmea$/.exec(name)?.[1] ?? NaN);
  const files = readdirSync(dir).filter((n) => !Number.isNaN(boot(n))).sort((a, b) => boot(a) - boot(b));
  return keptFromRecords(files.map((name) => readGpsRecord(join(dir, name))), sampler);
}

/** keptFromGpsRecord on records already in memory, a boot each: what each boot read, as it read it. */
export function keptFromRecords(records: GpsRecord[], sampler?: Partial<SamplerOptions>): BootKept[] {
  return records.map((record) => {
    const kept: BootKept["kept"] = [];
    let chunk = 0;
    const startDay = Math.floor(record.bootedAt / 86_400_000);
    const tracker = new FixKeeper({ ...(sampler ? { sampler } : {}), startDay, onFix: (fix) => kept.push({ fix, chunk }) });
    for (; chunk < record.chunks.length; chunk++) tracker.feed(record.chunks[chunk]!);
    return { kept, chunks: record.chunks.length, bytes: record.chunks.reduce((n, c) => n + c.length, 0) };
  });
}

/**
 * What a database holds against what the boots should have kept: fix times stored
 * that no boot kept, and kept fixes never stored, within the bound of a power cut
 * (from the last serial chunk a boot was reading when cut; the record is written
 * before the firmware sees a chunk) or beyond it (anywhere else, or in the last
 * boot, which ran to the end).
 */
export function compareWithRecord(boots: BootKept[], storedTimes: Iterable<number>) {
  const stored = new Set(storedTimes);
  const kept = new Set(boots.flatMap((b) => b.kept.map((k) => k.fix.time)));
  const lostWithin: number[] = [];
  const lostBeyond: Array<{ boot: number; time: number }> = [];
  boots.forEach((b, i) => {
    for (const k of b.kept) {
      if (stored.has(k.fix.time)) continue;
      if (i < boots.length - 1 && k.chunk === b.chunks - 1) lostWithin.push(k.fix.time);
      else lostBeyond.push({ boot: i + 1, time: k.fix.time });
    }
  });
  return { kept: kept.size, unexplained: [...stored].filter((t) => !kept.has(t)), lostWithin, lostBeyond };
}
