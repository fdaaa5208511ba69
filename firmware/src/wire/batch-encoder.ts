import { quantize, wrapCourse, WIRE_VERSION, type BatchHeader, type WireFix } from "./batch.ts";
import { crc16 } from "./crc16.ts";
import { writeVarint, zigzag } from "./varint.ts";

/**
 * Encodes a batch (docs/wire-format.md). Runs on the board: one output
 * buffer, integer arithmetic, no per-fix allocations beyond the quantized row.
 */
export function encodeBatch(header: BatchHeader, fixes: WireFix[]): Uint8Array {
  const out = new Uint8Array(24 + header.counters.length * 8 + fixes.length * 50);
  let p = 0;
  out[p++] = WIRE_VERSION;
  p = writeVarint(out, p, header.device);
  p = writeVarint(out, p, header.seq);
  out[p++] = header.battery === null ? 255 : Math.max(0, Math.min(100, Math.round(header.battery)));
  p = writeVarint(out, p, header.counters.length);
  for (let i = 0; i < header.counters.length; i++) p = writeVarint(out, p, header.counters[i]!);
  p = writeVarint(out, p, fixes.length);

  let prev: number[] | undefined;
  let prev2: number[] | undefined;
  let prevDt = 0;
  for (let k = 0; k < fixes.length; k++) {
    const q = quantize(fixes[k]!);
    if (!prev) {
      // The first fix in full: time, latitude and longitude, then the optional codes.
      p = writeVarint(out, p, q[0]!);
      p = writeVarint(out, p, zigzag(q[1]!));
      p = writeVarint(out, p, zigzag(q[2]!));
      for (let j = 3; j < 8; j++) p = writeVarint(out, p, q[j]!);
    } else {
      const dt = q[0]! - prev[0]!;
      const r = [
        dt - prevDt,
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
      prevDt = dt;
    }
    prev2 = prev;
    prev = q;
  }
  const crc = crc16(out, p);
  out[p++] = crc >> 8;
  out[p++] = crc & 0xff;
  return out.subarray(0, p);
}

