import type { Fix } from "./fix.ts";

/** Numbers per fix when fixes cross between threads in one transferable array (NaN stands for null). */
const FIELDS = ["time", "lat", "lon", "alt", "speed", "course", "hdop", "sats", "accuracy", "battery"] as const;

export function packFixes(fixes: Fix[]): Float64Array {
  const out = new Float64Array(fixes.length * FIELDS.length);
  // Plain loops: a closure made per fix costs more than the copy (and tsx names each one).
  let o = 0;
  for (const f of fixes) for (const k of FIELDS) out[o++] = f[k] ?? NaN;
  return out;
}

const orNull = (v: number) => (Number.isNaN(v) ? null : v);

export function unpackFixes(packed: Float64Array): Fix[] {
  const fixes: Fix[] = [];
  for (let o = 0; o < packed.length; o += FIELDS.length) {
    fixes.push({
      time: packed[o]!, lat: packed[o + 1]!, lon: packed[o + 2]!, alt: orNull(packed[o + 3]!), speed: orNull(packed[o + 4]!),
      course: orNull(packed[o + 5]!), hdop: orNull(packed[o + 6]!), sats: orNull(packed[o + 7]!), accuracy: orNull(packed[o + 8]!),
      battery: orNull(packed[o + 9]!),
    });
  }
  return fixes;
}

/** How many fixes a packed array holds. */
export const packedCount = (packed: Float64Array) => packed.length / FIELDS.length;

/** Fixes `from` to `to` (exclusive) of a packed array. */
export const unpackSlice = (packed: Float64Array, from: number, to: number) => unpackFixes(packed.subarray(from * FIELDS.length, to * FIELDS.length));
