import { textOf } from "../bytes-of.ts";
import type { TrackerConfig } from "../config/config.ts";
import type { Journal } from "../journal/journal.ts";
import type { HardwareClock } from "../hal/hardware.ts";
import { isModemError } from "../modem/sim900.ts";
import type { UploadReply, Uplink } from "./uplink.ts";

export type { Uplink };
import { parseAck, type Ack } from "../wire/ack.ts";
import { SOS_ON, type WireFix } from "../wire/batch.ts";
import { BatchWriter } from "../wire/batch-writer.ts";


/** The named states of the upload schedule. */
export type UploaderState = "idle" | "waiting" | "uploading" | "backing-off";

export interface UploaderOptions {
  journal: Journal;
  uplink: Uplink;
  clock: HardwareClock;
  /** 0 ≤ x < 1, for the backoff's jitter */
  random: () => number;
  /** read at each decision, so settings from the server take effect at once */
  config: TrackerConfig;
  /** battery volts now, or null */
  battery: () => number | null;
  /** the counters a batch carries (docs/wire-format.md) */
  counters: () => number[];
  /** each acknowledgement: its settings are the caller's to check and keep */
  onAck?: (ack: Ack) => void;
  /** each state change and each failure (LED, console, the simulator's progress line) */
  onState?: (state: UploaderState, error?: Error) => void;
  /** the paddler's SOS (sos/sos.ts): its state goes in each batch, and hears which one the server acknowledged */
  sos?: { state: number; sent: boolean; changedAt: number; told(carried: number): void };
  /** the fix kept last: a new SOS goes first with it alone, ahead of any backlog */
  latest?: () => WireFix | undefined;
}

/** An SOS batch with no fix to carry: a seq no fix's time code reaches (2^52 tenths of a second is 14 million years). */
const EMPTY_SEQ_BASE = 4503599627370496;

/**
 * When to upload and what: batches from the journal's cursor, each sent until
 * the server acknowledges it. It uploads quickly after the first fix after
 * boot, then every `uploadEveryS` or as soon as `uploadAfterFixes` are
 * pending; a failure waits an exponential backoff with jitter, and once an
 * upload gets through everything pending goes at once (coverage is back). A
 * batch the server refuses as invalid is set aside, not retried forever.
 */
export class Uploader {
  state: UploaderState = "idle";
  /** batches acknowledged, and their fixes */
  batches = 0;
  fixes = 0;
  /** failed attempts since the last success (the backoff's exponent) */
  attempt = 0;
  failures = 0;
  lastError: Error | undefined;
  /** bytes of batch bodies sent (the payload on air, without HTTP's overhead) */
  bytesSent = 0;
  private readonly o: UploaderOptions;
  private readonly writer: BatchWriter;
  private timer: unknown;
  private dueAt = 0;
  /** fixes journaled since the last upload began */
  private fresh = 0;
  /** no fix yet since boot: the first one brings a quick upload */
  private booted = true;
  private closed = false;
  /** an upload was asked for at once while one was under way: another follows it */
  private again = false;
  /** the server refused an SOS batch as malformed: it reads no version 3, so batches go as version 2 */
  private noSos = false;

  constructor(o: UploaderOptions) {
    this.o = o;
    // About 5 bytes a fix on a paddled track (docs/BENCHMARKS.md): 16 leaves room; a fuller batch ends early.
    this.writer = new BatchWriter(o.config.batchFixes * 16);
  }

  /** At boot: fixes left from before a restart go soon. */
  start(): void {
    if (this.o.journal.hasPending()) this.schedule(this.o.config.firstUploadAfterS * 1000);
  }

  /** A fix reached the journal. */
  fixAdded(): void {
    this.fresh++;
    const c = this.o.config;
    if (this.state === "backing-off" || this.state === "uploading") return; // their end decides what comes next
    if (this.booted) this.schedule(c.firstUploadAfterS * 1000);
    else if (this.fresh >= c.uploadAfterFixes) this.schedule(0);
    else this.schedule(c.uploadEveryS * 1000);
    this.booted = false;
  }

  /** An upload within `ms` whatever the schedule (an SOS): a backoff is cut short, one under way is followed at once. */
  urgent(ms: number): void {
    if (this.state === "uploading") this.again = true;
    else if (this.state !== "waiting" || this.dueAt > this.o.clock.uptime() + ms) this.wait(ms, "waiting");
  }

  close(): void {
    this.closed = true;
    this.o.clock.clearTimeout(this.timer);
  }

  /** An upload in `ms`, unless one is already due sooner. */
  private schedule(ms: number): void {
    if (this.state === "waiting" && this.dueAt <= this.o.clock.uptime() + ms) return;
    this.wait(ms, "waiting");
  }

  private wait(ms: number, state: UploaderState): void {
    if (this.closed) return;
    this.o.clock.clearTimeout(this.timer);
    this.dueAt = this.o.clock.uptime() + ms;
    this.set(state);
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, ms);
  }

  /** Sends the next batch from the cursor. A card that fails is retried like a failed upload. */
  private send(): void {
    if (this.closed) return;
    const writer = this.writer;
    const sos = this.o.sos && !this.noSos ? this.o.sos.state : 0;
    let batch: ReturnType<Journal["nextBatch"]> | undefined;
    let body = "";
    let full = false;
    let seq = 0;
    let count = 0;
    try {
      if (sos === SOS_ON && !this.o.sos!.sent) {
        // A new SOS goes first, with the fix kept last alone (the one kept after the hold), not at
        // the end of a backlog hours old. Its seq comes from that fix's time (or the clock's, with
        // none) above any journal seq; the fix goes again later in its journal batch, a duplicate.
        let f = this.o.latest && this.o.latest();
        // A fix from well before the press (the GPS lost since) would date the SOS before it, even
        // before a cancel it follows: then none, and the tracker's clock dates it.
        if (f && f.time * 1000 < this.o.sos!.changedAt - 10_000) f = undefined;
        if (f) writer.add(f);
        count = f ? 1 : 0;
        seq = EMPTY_SEQ_BASE + (f ? Math.floor(f.time * 10) : Math.floor(this.o.clock.now() / 100));
      } else {
        batch = this.o.journal.nextBatch(this.o.config.batchFixes, (f) => writer.add(f));
        if (batch) {
          full = batch.count >= this.o.config.batchFixes || writer.full();
          seq = batch.seq;
          count = batch.count;
        } else if (sos) {
          // A cancel (or a standing SOS) with no fix pending still goes: the server places it at the latest fix it has.
          seq = EMPTY_SEQ_BASE + Math.floor(this.o.clock.now() / 100);
        }
      }
      if (batch || sos) body = textOf(writer.finish({ device: this.o.config.device, seq, batteryVolts: this.o.battery(), counters: this.o.counters(), sos }));
    } catch (e) {
      writer.reset();
      return this.retry(e as Error);
    }
    if (!body) {
      this.fresh = 0;
      this.set("idle");
      return;
    }
    this.fresh = 0;
    this.again = false;
    this.set("uploading");
    this.o.uplink
      .upload(body)
      .then((reply) => {
        if (this.closed) return;
        const outcome = uploadOutcome(reply);
        const ack = parseAck(reply.body);
        if (outcome === "acknowledged" && ack && ack.seq === seq) {
          if (batch) this.o.journal.acknowledge(seq);
          if (sos && this.o.sos) this.o.sos.told(sos);
          // An old server never hears of the SOS: a cancel ends here; a standing SOS stays unsent (its LED says so).
          else if (this.noSos && this.o.sos && this.o.sos.state !== SOS_ON) this.o.sos.told(this.o.sos.state);
          this.batches++;
          this.fixes += count;
          this.bytesSent += body.length;
          this.attempt = 0;
          if (this.o.onAck) this.o.onAck(ack);
          this.next(full);
        } else if (outcome === "rejected" && sos && reply.status === 400 && reply.body.indexOf("version") >= 0) {
          // A server that reads no version 3 refuses it as malformed (docs/wire-format.md): the fixes go again as version 2.
          this.noSos = true;
          this.failed(new Error("the server reads no SOS (wire version 3): batches go without it"));
          this.next(true);
        } else if (outcome === "rejected") {
          if (batch) this.o.journal.setAsideBatch(seq);
          this.failed(new Error("the server refused batch " + seq + " (HTTP " + reply.status + "): set aside"));
          this.next(true);
        } else if (outcome === "acknowledged") {
          // A reply for another batch (a proxy's cache, a mixed-up session) acknowledges nothing: sent again.
          throw new Error("batch " + seq + ": the reply acknowledges " + (ack ? "batch " + ack.seq : "nothing") + ", sent again later");
        } else throw new Error("batch " + seq + ": HTTP " + reply.status + " " + reply.body.substring(0, 60));
      })
      .then(undefined, (e: unknown) => {
        if (!this.closed) this.retry(e instanceof Error ? e : new Error(String(e)));
      });
  }

  /**
   * After an upload: a backlog goes at once (coverage is back); else what is pending waits its turn,
   * even when no fix comes to prompt it (a batch sent again leaves behind the fixes of its backoff).
   */
  private next(backlog: boolean): void {
    const c = this.o.config;
    const pending = this.o.journal.hasPending();
    // While an SOS stands (or its cancel is untold), whatever is pending goes at once.
    if (this.again || (pending && (backlog || (this.o.sos && this.o.sos.state)))) this.wait(0, "waiting");
    else if (this.fresh >= c.uploadAfterFixes) this.wait(0, "waiting");
    else if (pending) this.wait(c.uploadEveryS * 1000, "waiting");
    else this.set("idle");
  }

  private retry(e: Error): void {
    this.failed(e);
    this.attempt++;
    // No coverage: probe at least every 10 minutes, so the upload follows soon after the boat is back in range.
    // An SOS, or its cancel, waits at most a minute between tries.
    const cap = this.o.sos && this.o.sos.state ? 60_000 : isModemError(e) && e.kind === "no-network" ? 10 * 60_000 : 30 * 60_000;
    this.wait(Math.max(1000, backoffMs(this.attempt, this.o.random, 30_000, cap)), "backing-off");
  }

  private failed(e: Error): void {
    this.failures++;
    this.lastError = e;
    if (this.o.onState) this.o.onState(this.state, e);
  }

  private set(state: UploaderState): void {
    if (state === this.state) return;
    this.state = state;
    if (this.o.onState) this.o.onState(state);
  }
}

/** What to do with a batch after an upload (the retry policy's input). */
export function uploadOutcome(reply: UploadReply): "acknowledged" | "rejected" | "retry" {
  if (reply.status >= 200 && reply.status < 300) return "acknowledged";
  // 400 (malformed) and 413 will fail the same way again: set aside and counted, not retried forever.
  if (reply.status === 400 || reply.status === 409 || reply.status === 413 || reply.status === 415) return "rejected";
  return "retry"; // 401 (token being fixed), 429, 5xx
}

/** Exponential backoff with full jitter: a random wait up to base·2^attempt, capped. */
export function backoffMs(attempt: number, random: () => number, baseMs = 30_000, capMs = 30 * 60_000): number {
  return Math.floor(random() * Math.min(capMs, baseMs * Math.pow(2, attempt)));
}
