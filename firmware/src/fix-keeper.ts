import type { GpsFix } from "./fix/gps-fix.ts";
import { FixReader } from "./fix/fix-reader.ts";
import { NOT_BEFORE_DAY } from "./fix/week-rollover.ts";
import { Sampler, type SamplerOptions } from "./sampler/sampler.ts";
import type { WireFix } from "./wire/batch.ts";

export interface FixKeeperOptions {
  sampler?: Partial<SamplerOptions>;
  /** the date (days since 1970) when the receiver does not say it yet */
  startDay?: number;
  /** a GPS date before this day is a week rollover (default NOT_BEFORE_DAY, fix/week-rollover.ts) */
  notBeforeDay?: number;
  /**
   * Believe a position only when RMC and GGA agree on it, a new date only when two RMCs say it
   * (default true: the tracker sets its GPS to send both every epoch, gps/ublox-config.ts).
   */
  corroborate?: boolean;
  /** each kept fix: the SD journal's seam (the journal makes the batches, boot.ts) */
  onFix: (fix: WireFix) => void;
}

/**
 * The fixes the tracker keeps, on any host: GPS text → FixReader (NMEA → fixes)
 * → Sampler → kept fixes in the wire's form. It owns no IO: the board (boot.ts),
 * a test or the laptop simulator feeds it serial text and takes its fixes.
 */
export class FixKeeper {
  readonly reader: FixReader;
  readonly sampler: Sampler;
  private force = false;
  private skip = 0;

  constructor(private readonly o: FixKeeperOptions) {
    this.sampler = new Sampler(o.sampler);
    const notBeforeDay = o.notBeforeDay === undefined ? NOT_BEFORE_DAY : o.notBeforeDay;
    // A start day from a clock before the floor (a board without a backup battery starts in 1970) is no date at all.
    const startDay = o.startDay !== undefined && o.startDay >= notBeforeDay ? o.startDay : undefined;
    this.reader = new FixReader((f) => this.onFix(f), { startDay, corroborate: o.corroborate !== false, notBeforeDay });
  }

  /** Serial data from the GPS, any chunk size. */
  feed(chunk: string): void {
    this.reader.feed(chunk);
  }

  /** Ends the input: the last epoch becomes a fix. */
  finish(): void {
    this.reader.finish();
  }

  /** The counters a batch carries, in docs/wire-format.md order. */
  counters(): number[] {
    const r = this.reader;
    const s = this.sampler;
    return [r.decoder.badChecksum, r.framer.overlong, s.seen, s.kept, s.poor];
  }

  /** The next fix the quality gate passes is kept, however near the last (an SOS sends where the boat is now). */
  keepNext(): void {
    this.force = true;
  }

  /** The next `n` fixes are passed over, then the next the quality gate passes is kept (a wake-up, gps/fix-cycle.ts). */
  keepAfter(n: number): void {
    this.skip = n;
    this.force = true;
  }

  private onFix(f: GpsFix): void {
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    if (!this.sampler.offer(f, this.force)) return;
    this.force = false;
    this.o.onFix({ time: f.time, lat: f.lat, lon: f.lon, alt: orNull(f.alt), speed: orNull(f.speed), course: orNull(f.course), hdop: orNull(f.hdop), sats: orNull(f.sats) });
  }
}

/** The wire's "absent" is null; a fix's is undefined. */
const orNull = (v: number | undefined) => (v === undefined ? null : v);
