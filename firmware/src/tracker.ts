import type { Fix } from "./fix/fix.ts";
import { nmeaPipeline } from "./fix/fixes-from-nmea.ts";
import { Sampler, type SamplerOptions } from "./sampler/sampler.ts";
import type { WireFix } from "./wire/batch.ts";
import { BatchWriter } from "./wire/batch-writer.ts";

export interface TrackerOptions {
  device: number;
  /** fixes per batch (the default suits one upload every few minutes while paddling); a batch of unusual fixes may close earlier, when its buffer is full */
  batchSize?: number;
  /** first batch sequence number (issue 4 keeps it on the SD card) */
  seq?: number;
  sampler?: Partial<SamplerOptions>;
  /** the date (days since 1970) when the receiver does not say it yet */
  startDay?: number;
  /** battery percent now, or null */
  battery?: () => number | null;
  /** each kept fix (the SD journal's seam) */
  onFix?: (fix: WireFix) => void;
  /** each finished batch (the uplink's seam) */
  onBatch?: (bytes: Uint8Array, seq: number) => void;
}

/**
 * The tracker's data path on any host: serial text → NMEA framing → sentences
 * → fixes → sampler → batches. It owns no IO: the board file (or a test, or
 * the laptop simulator) feeds it serial data and takes its batches.
 */
export class Tracker {
  readonly pipeline;
  readonly sampler: Sampler;
  /** the kept fixes not yet in a batch, already encoded */
  private readonly batch: BatchWriter;
  private seq: number;
  private readonly batchSize: number;

  constructor(private readonly o: TrackerOptions) {
    this.sampler = new Sampler(o.sampler);
    this.batchSize = o.batchSize ?? 60;
    this.seq = o.seq ?? 0;
    // About 5 bytes a fix on a paddled track (docs/BENCHMARKS.md); 16 leaves room for jumps and gaps.
    this.batch = new BatchWriter(this.batchSize * 16);
    this.pipeline = nmeaPipeline((f) => this.onFix(f), o.startDay);
  }

  /** Serial data from the GPS, any chunk size. */
  feed(chunk: string): void {
    this.pipeline.framer.feed(chunk);
  }

  /** Ends the input: the last epoch becomes a fix and the pending fixes a batch. */
  finish(): void {
    this.pipeline.assembler.finish();
    this.flush();
  }

  /** Sends the kept fixes as a batch now, however few. */
  flush(): void {
    if (this.batch.count === 0) return;
    const seq = this.seq++;
    const bytes = this.batch.finish({ device: this.o.device, seq, battery: this.o.battery ? this.o.battery() : null, counters: this.counters() });
    if (this.o.onBatch) this.o.onBatch(bytes, seq);
  }

  /** The counters a batch carries, in docs/wire-format.md order. */
  counters(): number[] {
    const d = this.pipeline.decoder;
    const s = this.sampler;
    return [d.badChecksum, this.pipeline.framer.overlong, s.seen, s.kept, s.poor];
  }

  private onFix(f: Fix): void {
    if (!this.sampler.offer(f)) return;
    const w: WireFix = {
      time: f.time,
      lat: f.lat,
      lon: f.lon,
      alt: f.alt === undefined ? null : f.alt,
      speed: f.speed === undefined ? null : f.speed,
      course: f.course === undefined ? null : f.course,
      hdop: f.hdop === undefined ? null : f.hdop,
      sats: f.sats === undefined ? null : f.sats,
    };
    if (this.o.onFix) this.o.onFix(w);
    // There is always room: a batch is sent as soon as one more fix might not fit.
    this.batch.add(w);
    if (this.batch.count >= this.batchSize || this.batch.full()) this.flush();
  }
}
