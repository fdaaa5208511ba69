/** NMEA message ids of UBX-CFG-MSG class 0xF0 (u-blox 6 Receiver Description, "NMEA Messages Overview"). */
const NMEA_IDS: Record<number, string> = { 0: "GGA", 1: "GLL", 2: "GSA", 3: "GSV", 4: "RMC", 5: "VTG", 8: "ZDA" };

/**
 * The part of a NEO-6M's configuration the simulator obeys: the UBX-CFG-MSG
 * commands the firmware sends at boot (a rate of 0 turns a sentence off), and
 * UBX-CFG-RXM's power save mode, timed for the energy estimate (the simulated
 * sentences do not change with it). Frames are checked as the receiver does
 * (sync 0xB5 0x62, Fletcher checksum); anything else on the line is ignored.
 * Chunking does not matter.
 */
export class Neo6mConfig {
  /** the sentences turned off */
  readonly off = new Set<string>();
  /** UBX frames accepted */
  frames = 0;
  private buf: number[] = [];
  /** since when (seconds of `now`) the receiver is in power save mode, if it is */
  private powerSaveSince: number | undefined;
  private powerSaveBefore = 0;

  /** `now`: the trip's clock in seconds, which times power save mode */
  constructor(private readonly now: () => number) {}

  /** Seconds spent in power save mode so far. */
  powerSaveS(): number {
    return this.powerSaveBefore + (this.powerSaveSince === undefined ? 0 : this.now() - this.powerSaveSince);
  }

  /** Bytes the host sent the receiver. */
  feed(bytes: Uint8Array): void {
    for (const b of bytes) this.buf.push(b);
    for (;;) {
      const start = this.buf.findIndex((b, i) => b === 0xb5 && this.buf[i + 1] === 0x62);
      if (start < 0) {
        this.buf = this.buf.slice(-1)[0] === 0xb5 ? [0xb5] : [];
        return;
      }
      this.buf = this.buf.slice(start);
      if (this.buf.length < 6) return;
      const len = this.buf[4]! | (this.buf[5]! << 8);
      if (len > 512) {
        this.buf = this.buf.slice(2);
        continue;
      }
      if (this.buf.length < 8 + len) return;
      const frame = this.buf.slice(2, 6 + len);
      let a = 0;
      let c = 0;
      for (const x of frame) {
        a = (a + x) & 255;
        c = (c + a) & 255;
      }
      if (a === this.buf[6 + len] && c === this.buf[7 + len]) {
        this.frames++;
        this.apply(frame[0]!, frame[1]!, frame.slice(4));
        this.buf = this.buf.slice(8 + len);
      } else this.buf = this.buf.slice(2);
    }
  }

  /** Whether the receiver sends this sentence ("$GPRMC,…" or "RMC"). */
  sends(sentence: string): boolean {
    return !this.off.has(sentence.startsWith("$") ? sentence.slice(3, 6) : sentence);
  }

  private apply(cls: number, id: number, payload: number[]): void {
    // CFG-RXM (u-blox 6 Receiver Description §31.20): reserved, then lpMode 0 continuous, 1 power save.
    if (cls === 0x06 && id === 0x11 && payload.length === 2) return this.setPowerSave(payload[1] === 1);
    // CFG-MSG, the 3-byte form: message class, id, rate on the port it came in on.
    if (cls !== 0x06 || id !== 0x01 || payload.length !== 3 || payload[0] !== 0xf0) return;
    const name = NMEA_IDS[payload[1]!];
    if (!name) return;
    if (payload[2] === 0) this.off.add(name);
    else this.off.delete(name);
  }

  private setPowerSave(on: boolean): void {
    if (on && this.powerSaveSince === undefined) this.powerSaveSince = this.now();
    if (!on && this.powerSaveSince !== undefined) {
      this.powerSaveBefore += this.now() - this.powerSaveSince;
      this.powerSaveSince = undefined;
    }
  }
}
