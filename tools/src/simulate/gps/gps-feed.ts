import { ByteCorruptor } from "../serial/byte-corruptor.ts";
import type { ByteSink } from "../serial/byte-sink.ts";
import type { GpsEpoch } from "./gps-receiver.ts";
import { NEO6M_BANNER, neo6mSentences, nmeaText, WEEK_ROLLOVER_S } from "./neo6m-sentences.ts";

/** Wall-clock time for the feed: milliseconds, and a way to wait. */
export interface FeedClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: FeedClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface GpsFeedOptions {
  /** where the NMEA goes: a SerialPortSink, say */
  io: ByteSink;
  /** the receiver's epochs, from gpsEpochs() */
  epochs: Iterable<GpsEpoch>;
  /** simulated seconds per wall-clock second (1: real time) */
  speedup?: number;
  /** the receiver's baud rate (NEO-6M default 9600, 8N1: 960 bytes a second), for the pacing */
  baudRate?: number;
  /** send the NEO-6M's power-on GPTXT lines first (default true) */
  banner?: boolean;
  /** serial noise: this fraction of bytes arrives as other bytes (seeded) */
  corruption?: { rate: number; seed?: number | string };
  clock?: FeedClock;
  /** the receiver has the week-rollover bug: its dates are 1,024 weeks early */
  weekRollover?: boolean;
  /** which sentences the receiver sends (a Neo6mConfig obeying the firmware's UBX commands); all by default */
  sends?: (sentence: string) => boolean;
  /** the epoch as the receiver's power state gives it (Neo6mConfig.epoch): undefined while it says nothing */
  receiver?: (epoch: GpsEpoch) => GpsEpoch | undefined;
  /** called after each epoch's last byte is written */
  onEpoch?: (sent: SentEpoch) => void;
}

export interface SentEpoch {
  epoch: GpsEpoch;
  /** the sentences as the receiver made them, before any corruption */
  sentences: string[];
  /** bytes on the wire, and how many of them were corrupted */
  bytes: number;
  corrupted: number;
}

export interface GpsFeedStats {
  epochs: number;
  /** epochs with a fix */
  fixes: number;
  bytes: number;
  /** of those, sent while no one listened (setListening(false)): lost, as on the wire to a board without power */
  unheardBytes: number;
  corruptedBytes: number;
}

/** the shortest wall-clock stretch written as one chunk (ms): finer pacing than this buys nothing */
const MIN_CHUNK_MS = 10;

/**
 * Writes a simulated NEO-6M's NMEA to a serial device, paced like the real
 * receiver: each epoch's sentences start at the epoch's time and leave at
 * the baud rate (9600 baud: ~0.55 s for a 530-byte epoch), in chunks of
 * 10 ms of line time. Each chunk is written when its last byte would have
 * arrived.
 *
 * With `speedup` S the simulated clock runs S times faster, and so does the
 * line: an epoch starts at (its time − the first epoch's time) / S, and its
 * bytes take 1/S of their real line time. Chunks stay at least 10 ms of wall
 * time, so at high speed-ups (S ≥ ~55 at 1 Hz) an epoch is one chunk written
 * at its time / S. If an epoch's bytes outlast the epoch (5 Hz at 9600
 * baud), the next waits for the line, as on the real wire. If the reader is
 * slower than the schedule, nothing is skipped: the feed falls behind.
 */
export class GpsFeed {
  readonly stats: GpsFeedStats = { epochs: 0, fixes: 0, bytes: 0, unheardBytes: 0, corruptedBytes: 0 };
  private listening = true;
  private readonly speedup: number;
  private readonly bytesPerSecond: number;
  private readonly clock: FeedClock;
  private readonly corruptor: ByteCorruptor | undefined;
  private running: Promise<GpsFeedStats> | undefined;
  private closing: Promise<void> | undefined;
  private stopped = false;
  /** resolves at stop(): a write the device never finishes (its reader gone, socat killed by Ctrl-C) does not hold run() */
  private readonly stopping: Promise<void>;
  private endWait: () => void = () => {};

  constructor(private readonly options: GpsFeedOptions) {
    this.speedup = options.speedup ?? 1;
    if (!(this.speedup > 0)) throw new Error(`speed-up ${options.speedup}: give a number above 0`);
    const baud = options.baudRate ?? 9600;
    if (!(baud > 0)) throw new Error(`baud rate ${options.baudRate}: give a number above 0`);
    this.bytesPerSecond = baud / 10; // 8N1: a start bit, 8 data bits, a stop bit
    this.clock = options.clock ?? systemClock;
    const c = options.corruption;
    this.corruptor = c && c.rate > 0 ? new ByteCorruptor(c.rate, c.seed ?? 1) : undefined;
    this.stopping = new Promise((resolve) => (this.endWait = resolve));
  }

  /** Sends every epoch, paced; resolves with the counts at the end (or after stop()). Once only. */
  run(): Promise<GpsFeedStats> {
    if (this.running) return Promise.reject(new Error("this GpsFeed has already run; make a new one"));
    this.running = this.send();
    return this.running;
  }

  /**
   * false while the receiving end has no power (a power cut of the board): the
   * GPS goes on sending, in time, but nothing is written, so no stale sentences
   * wait in the serial line for the next boot.
   */
  setListening(on: boolean): void {
    this.listening = on;
  }

  /** Ends run() after the chunk being written. */
  stop(): void {
    this.stopped = true;
    this.endWait();
  }

  /** Stops, waits for the last write, and closes the device. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stop();
      await this.running?.catch(() => {});
      await this.options.io.close();
    })();
    return this.closing;
  }

  private async send(): Promise<GpsFeedStats> {
    const o = this.options;
    const chunkBytes = Math.max(1, Math.ceil((this.bytesPerSecond * this.speedup * MIN_CHUNK_MS) / 1000));
    const msPerByte = 1000 / this.bytesPerSecond / this.speedup;
    const wall0 = this.clock.now();
    /** wall-clock ms when the line has sent everything so far */
    let lineFree = wall0;

    /** Sends `text` from `notBefore` on (or when the line is free); false if stopped midway. */
    const transmit = async (text: string, notBefore: number) => {
      const bytes = Buffer.from(text, "latin1");
      lineFree = Math.max(lineFree, notBefore);
      let corrupted = 0;
      for (let i = 0; i < bytes.length; i += chunkBytes) {
        if (this.stopped) return { complete: false, corrupted };
        let chunk: Uint8Array = bytes.subarray(i, i + chunkBytes);
        lineFree += chunk.length * msPerByte;
        const wait = lineFree - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
        if (!this.listening) {
          this.stats.bytes += chunk.length;
          this.stats.unheardBytes += chunk.length;
          continue;
        }
        if (this.corruptor) {
          const c = this.corruptor.corrupt(chunk);
          chunk = c.bytes;
          corrupted += c.changed.length;
          this.stats.corruptedBytes += c.changed.length;
        }
        const written = o.io.write(chunk);
        written.catch(() => {}); // after stop() nobody waits for it; before, the race below throws it
        await Promise.race([written, this.stopping]);
        if (this.stopped) return { complete: false, corrupted };
        this.stats.bytes += chunk.length;
      }
      return { complete: true, corrupted };
    };

    if (o.banner ?? true) await transmit(nmeaText(NEO6M_BANNER), wall0);
    let first: number | undefined;
    for (const planned of o.epochs) {
      if (this.stopped) break;
      first ??= planned.time;
      // The epoch's time first: what the receiver makes of it depends on what it heard until then.
      const due = wall0 + ((planned.time - first) * 1000) / this.speedup;
      const wait = due - this.clock.now();
      if (wait > 0) await Promise.race([this.clock.sleep(wait), this.stopping]);
      if (this.stopped) break;
      const epoch = o.receiver ? o.receiver(planned) : planned;
      if (!epoch) {
        // Silent (in backup): nothing on the line.
        o.onEpoch?.({ epoch: { ...planned, fix: undefined }, sentences: [], bytes: 0, corrupted: 0 });
        continue;
      }
      const all = neo6mSentences(o.weekRollover ? { ...epoch, dateErrorS: -WEEK_ROLLOVER_S } : epoch);
      const sentences = o.sends ? all.filter(o.sends) : all;
      const text = nmeaText(sentences);
      const sent = await transmit(text, due);
      if (!sent.complete) break;
      this.stats.epochs++;
      if (epoch.fix) this.stats.fixes++;
      o.onEpoch?.({ epoch, sentences, bytes: text.length, corrupted: sent.corrupted });
    }
    return this.stats;
  }
}
