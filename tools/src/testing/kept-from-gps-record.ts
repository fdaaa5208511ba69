import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Tracker } from "@kayaktrack/firmware/tracker";
import type { SamplerOptions } from "@kayaktrack/firmware/sampler";
import type { WireFix } from "@kayaktrack/firmware/wire";

/**
 * What the firmware should have kept, boot by boot, worked out on its own from
 * the record of what it read from the GPS (`run-firmware --record-gps`, a file
 * a boot): each boot a fresh tracker, parser and sampler, as after a power-on,
 * with the date the firmware's clock had at boot (the record's first line).
 * An epoch still open when a boot's record ends gives no fix, as on the board.
 */
export function keptFromGpsRecord(dir: string, sampler?: Partial<SamplerOptions>): WireFix[][] {
  const boot = (name: string) => Number(/^gps-(\d+)\.nmea$/.exec(name)?.[1] ?? NaN);
  const files = readdirSync(dir).filter((n) => !Number.isNaN(boot(n))).sort((a, b) => boot(a) - boot(b));
  return files.map((name) => {
    const record = readFileSync(join(dir, name), "latin1");
    const booted = /^# kayaktrack run-firmware: booted at (\S+)\n/.exec(record);
    if (!booted) throw new Error(`${name}: not a record of run-firmware --record-gps`);
    const kept: WireFix[] = [];
    const startDay = Math.floor(Date.parse(booted[1]!) / 86_400_000);
    const tracker = new Tracker({ ...(sampler ? { sampler } : {}), startDay, onFix: (f) => kept.push(f) });
    tracker.feed(record.slice(booted[0].length));
    return kept;
  });
}
