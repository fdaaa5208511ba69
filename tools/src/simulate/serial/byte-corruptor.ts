import { Prng } from "../prng.ts";

/**
 * Noise on a serial line: each byte, with probability `rate`, arrives as
 * some other byte (seeded). The corrupted places depend only on the byte
 * count, not on how the stream is cut into chunks.
 */
export class ByteCorruptor {
  /** bytes changed so far */
  corrupted = 0;
  private readonly prng: Prng;
  /** bytes to pass unchanged before the next corrupted one */
  private gap: number;

  constructor(
    readonly rate: number,
    seed: number | string = 1,
  ) {
    if (!(rate >= 0 && rate <= 1)) throw new Error(`corruption rate ${rate}: give a fraction of bytes between 0 and 1`);
    this.prng = new Prng(seed, "serial-noise");
    this.gap = this.nextGap();
  }

  /**
   * A copy of `bytes` with this stretch's corrupted bytes changed, and
   * their offsets in it.
   */
  corrupt(bytes: Uint8Array): { bytes: Uint8Array; changed: number[] } {
    const out = Uint8Array.from(bytes);
    const changed: number[] = [];
    let i = this.gap;
    while (i < out.length) {
      out[i] = (out[i]! + this.prng.int(1, 255)) & 255; // any other byte
      changed.push(i);
      i += 1 + this.nextGap();
    }
    this.gap = i - out.length;
    this.corrupted += changed.length;
    return { bytes: out, changed };
  }

  /** The number of good bytes before the next bad one: geometric, so one draw per corrupted byte. */
  private nextGap(): number {
    if (this.rate === 0) return Infinity;
    if (this.rate === 1) return 0;
    return Math.floor(Math.log(1 - this.prng.next()) / Math.log(1 - this.rate));
  }
}
