/**
 * Unsigned LEB128 varints and zig-zag signed integers, with arithmetic rather
 * than bit operations beyond 7 bits, because Espruino's (and JavaScript's)
 * bitwise operators truncate to 32 bits and times in tenths of a second need 35.
 */

/** Zig-zag: 0, -1, 1, -2, 2 … → 0, 1, 2, 3, 4 …, so small magnitudes give small varints. */
export const zigzag = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);
export const unzigzag = (u: number) => (u % 2 === 0 ? u / 2 : -(u + 1) / 2);

/** The largest integer a double holds exactly (2^53 − 1; Espruino has no Number.MAX_SAFE_INTEGER): 8 varint bytes carry 56 bits. */
export const MAX_VARINT = 9007199254740991;

/**
 * Appends a varint to `out` at `pos`; returns the new position. Throws on a
 * value it cannot encode (negative, fractional, NaN, over MAX_VARINT): a
 * Uint8Array would store it as one wrong byte, and the batch would fail on the
 * server instead of here.
 */
export function writeVarint(out: Uint8Array, pos: number, value: number): number {
  if (!(value >= 0 && value <= MAX_VARINT && Math.floor(value) === value)) throw new Error("varint: cannot encode " + value);
  let v = value;
  while (v >= 128) {
    out[pos++] = (v % 128) + 128;
    v = Math.floor(v / 128);
  }
  out[pos++] = v;
  return pos;
}
