import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Tracker } from "@kayaktrack/firmware/tracker";
import type { SamplerOptions } from "@kayaktrack/firmware/sampler";
import type { WireFix } from "@kayaktrack/firmware/wire";
import { readGpsRecord } from "../simulate/gps-record.ts";

/** One boot's kept fixes, each with the index of the serial chunk that completed it. */
export interface BootKept {
  kept: Array<{ fix: WireFix; chunk: number }>;
  chunks: number;
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
  return files.map((name) => {
    const record = readGpsRecord(join(dir, name));
    const kept: BootKept["kept"] = [];
    let chunk = 0;
    const startDay = Math.floor(record.bootedAt / 86_400_000);
    const tracker = new Tracker({ ...(sampler ? { sampler } : {}), startDay, onFix: (fix) => kept.push({ fix, chunk }) });
    for (; chunk < record.chunks.length; chunk++) tracker.feed(record.chunks[chunk]!);
    return { kept, chunks: record.chunks.length };
  });
}
