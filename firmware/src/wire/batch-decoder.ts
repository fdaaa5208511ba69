import { COURSE_MOD, dequantize, SOS_CANCELLED, WIRE_VERSION_SOS, type DecodedBatch, type WireFix } from "./batch.ts";
import { crc16 } from "./crc16.ts";
import { unzigzag } from "./varint.ts";

/** Most fixes one batch may declare (a day at one a second). */
export const MAX_BATCH_FIXES = 86_400;

/** A batch that cannot be read; the message says where. */
export class BatchFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BatchFormatError";
  }
}

/**
 * Decodes a batch. The CRC is checked before anything else, and every length
 * and varint is bounded, so a corrupted batch is refused, never misread.
 */
export function decodeBatch(bytes: Uint8Array): DecodedBatch {
  if (bytes.length < 8) throw new BatchFormatError(`a batch has at least 8 bytes, this one ${bytes.length}`);
  const body = bytes.length - 2;
  const want = (bytes[body]! << 8) | bytes[body + 1]!;
  if (crc16(bytes, body) !== want) throw new BatchFormatError("CRC mismatch: the batch was corrupted on the way");
  let p = 0;
  const u8 = () => {
    if (p >= body) throw new BatchFormatError(`the batch ends early at byte ${p}`);
    return bytes[p++]!;
  };
  const varint = () => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = u8();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new BatchFormatError(`a varint longer than 8 bytes at byte ${p}`);
  };

  const version = u8();
  if (version < 1 || version > WIRE_VERSION_SOS) throw new BatchFormatError(`wire format version ${version}; this server reads 1 to ${WIRE_VERSION_SOS}`);
  const device = varint();
  const seq = varint();
  // Version 2: a varint of volts in 10 mV steps, 0 = unknown. Version 1: one byte of percent, 255 = unknown.
  let batteryVolts: number | null = null;
  let percent: number | null = null;
  if (version === 1) {
    const b = u8();
    if (b > 100 && b !== 255) throw new BatchFormatError(`battery ${b} is not a percentage`);
    if (b !== 255) percent = b;
  } else {
    const cv = varint();
    if (cv > 0) batteryVolts = cv / 100;
  }
  // Version 3: the SOS state, 1 standing or 2 cancelled (0 would be a version 2 batch; other values are not defined yet).
  let sos = 0;
  if (version === WIRE_VERSION_SOS) {
    sos = varint();
    if (sos < 1 || sos > SOS_CANCELLED) throw new BatchFormatError(`SOS state ${sos}; a version 3 batch carries 1 (SOS) or 2 (cancelled)`);
  }
  const nCounters = varint();
  if (nCounters > 32) throw new BatchFormatError(`${nCounters} counters; at most 32`);
  const counters: number[] = [];
  for (let i = 0; i < nCounters; i++) counters.push(varint());
  const n = varint();
  if (n > MAX_BATCH_FIXES) throw new BatchFormatError(`${n} fixes; at most ${MAX_BATCH_FIXES} in a batch`);
  // Every fix takes at least a byte: a count the bytes left cannot hold is refused before anything is allocated for it.
  if (n > body - p) throw new BatchFormatError(`${n} fixes declared, ${body - p} bytes left for them`);

  // The integers each fix is coded as (batch.ts quantize), 8 a fix; the fixes before predict each one.
  const q = new Float64Array(n * 8);
  const fixes: WireFix[] = [];
  let prevDt = 0;
  for (let k = 0, o = 0; k < n; k++, o += 8) {
    if (k === 0) {
      q[0] = varint();
      q[1] = unzigzag(varint());
      q[2] = unzigzag(varint());
      for (let j = 3; j < 8; j++) q[j] = varint();
    } else {
      const mask = u8();
      const dt = prevDt + (mask & 1 ? unzigzag(varint()) : 0);
      q[o] = q[o - 8]! + dt;
      prevDt = dt;
      for (let j = 1; j < 8; j++) {
        const residual = mask & (1 << j) ? unzigzag(varint()) : 0;
        const before = q[o + j - 8]!;
        // Positions are predicted from the last two fixes, the other fields from the last one.
        q[o + j] = residual + (j < 3 && k > 1 ? 2 * before - q[o + j - 16]! : before);
      }
      q[o + 5] = ((q[o + 5]! % COURSE_MOD) + COURSE_MOD) % COURSE_MOD;
    }
    for (let j = 3; j < 8; j++) if (q[o + j]! < 0) throw new BatchFormatError(`fix ${k}: a negative field code`);
    fixes.push(dequantize(q, o));
  }
  if (p !== body) throw new BatchFormatError(`${body - p} bytes after the last fix`);
  return { version, device, seq, batteryVolts, batteryPercent: percent, counters, fixes, quantized: q, sos };
}
