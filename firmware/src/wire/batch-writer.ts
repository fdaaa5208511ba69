import { quantize, round, wrapCourse, WIRE_VERSION, WIRE_VERSION_SOS, type BatchHeader, type WireFix } from "./batch.ts";
import { crc16 } from "./crc16.ts";
import { writeVarint, zigzag } from "./varint.ts";

/** The most one fix can take: the change mask and eight varints of at most 8 bytes. */
export const MAX_FIX_BYTES = 1 + 8 * 8;

/**
 * Encodes a batch (docs/wire-format.md) one fix at a time into a buffer it
 * keeps, so that the board holds a batch as bytes rather than as fix objects
 * (a fix object costs the interpreter about 25 JsVars, its bytes under one).
 * The header goes in front at finish(), when the counters and the number of
 * fixes are known.
 */
export class BatchWriter {
  /** fixes added since the last finish() */
  count = 0;
  private readonly body: Uint8Array;
  private p = 0;
  private prev: number[] | undefined;
  private prev2: number[] | undefined;
  private prevDt = 0;

  /** @param capacity bytes kept for the fixes; a batch of n fixes needs at most n × MAX_FIX_BYTES */
  constructor(capacity: number) {
    this.body = new Uint8Array(Math.max(capacity, MAX_FIX_BYTES));
  }

  /** true when one more fix may not fit: finish() the batch first */
  full(): boolean {
    return this.p + MAX_FIX_BYTES > this.body.length;
  }

  /** Appends a fix; returns false (and adds nothing) when the buffer is full. */
  add(f: WireFix): boolean {
    if (this.full()) return false;
    const out = this.body;
    let p = this.p;
    const q = quantize(f);
    const prev = this.prev;
    if (!prev) {
      // The first fix in full: time, latitude and longitude, then the optional codes.
      p = writeVarint(out, p, q[0]!);
      p = writeVarint(out, p, zigzag(q[1]!));
      p = writeVarint(out, p, zigzag(q[2]!));
      for (let j = 3; j < 8; j++) p = writeVarint(out, p, q[j]!);
    } else {
      const prev2 = this.prev2;
      const dt = q[0]! - prev[0]!;
      const r = [
        dt - this.prevDt,
        // Position predicted by the last step repeated (constant velocity).
        q[1]! - (prev2 ? 2 * prev[1]! - prev2[1]! : prev[1]!),
        q[2]! - (prev2 ? 2 * prev[2]! - prev2[2]! : prev[2]!),
        q[3]! - prev[3]!,
        q[4]! - prev[4]!,
        wrapCourse(q[5]! - prev[5]!),
        q[6]! - prev[6]!,
        q[7]! - prev[7]!,
      ];
      let mask = 0;
      for (let j = 0; j < 8; j++) if (r[j] !== 0) mask |= 1 << j;
      out[p++] = mask;
      for (let j = 0; j < 8; j++) if (r[j] !== 0) p = writeVarint(out, p, zigzag(r[j]!));
      this.prevDt = dt;
    }
    this.prev2 = prev;
    this.prev = q;
    this.p = p;
    this.count++;
    return true;
  }

  /** The whole batch: header, the fixes added, CRC. Starts the next batch empty. */
  finish(header: BatchHeader): Uint8Array {
    const counters = header.counters;
    const out = new Uint8Array(40 + counters.length * 8 + this.p + 2);
    let p = 0;
    const sos = header.sos || 0;
    out[p++] = sos ? WIRE_VERSION_SOS : WIRE_VERSION;
    p = writeVarint(out, p, header.device);
    p = writeVarint(out, p, header.seq);
    // Volts in 10 mV steps, 0 = unknown (also for a reading that is not a positive number).
    const v = header.batteryVolts;
    p = writeVarint(out, p, v !== null && v > 0 ? round(v * 100) : 0);
    if (sos) p = writeVarint(out, p, sos);
    p = writeVarint(out, p, counters.length);
    for (let i = 0; i < counters.length; i++) p = writeVarint(out, p, counters[i]!);
    p = writeVarint(out, p, this.count);
    out.set(this.body.subarray(0, this.p), p);
    p += this.p;
    const crc = crc16(out, p);
    out[p++] = crc >> 8;
    out[p++] = crc & 0xff;
    this.reset();
    return out.subarray(0, p);
  }

  /** Forgets the fixes added (also after add() or finish() threw). */
  reset(): void {
    this.p = 0;
    this.count = 0;
    this.prev = undefined;
    this.prev2 = undefined;
    this.prevDt = 0;
  }
}

/** Encodes a batch of fixes at once (docs/wire-format.md); the tracker adds them one by one to a BatchWriter. */
export function encodeBatch(header: BatchHeader, fixes: WireFix[]): Uint8Array {
  const w = new BatchWriter(fixes.length * MAX_FIX_BYTES);
  for (let k = 0; k < fixes.length; k++) w.add(fixes[k]!);
  return w.finish(header);
}
