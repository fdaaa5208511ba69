import { Prng } from "../prng.ts";
import type { GpsEpoch } from "./gps-receiver.ts";

/** A hot start's time to first fix, NEO-6M: 1 s (NEO-6 Data Sheet, GPS.G6-HW-09005-E, §1.3 Table 2). */
export const HOT_START_S = 1;
/** A warm start's, with the ephemeris out of date: 27 s (the same table). */
export const WARM_START_S = 27;
/**
 * How long a receiver's ephemeris serves for a hot start: a broadcast ephemeris's curve fit interval
 * is 4 hours (IS-GPS-200, 20.3.3.4.3.1). It is renewed by tracking for EPHEMERIS_COLLECT_S: the
 * navigation message repeats its ephemeris subframes every 30 s (IS-GPS-200, 20.3.2), two rounds taken.
 */
export const EPHEMERIS_VALID_S = 4 * 3600;
export const EPHEMERIS_COLLECT_S = 60;
/**
 * In power save mode (cyclic tracking) this share of the 1 Hz updates comes without a fix.
 * ASSUMPTION, no u-blox figure found: field reports (ukhas.org.uk, "Ublox 6 Power Saving Modes") speak
 * of "only a small loss to performance"; the firmware must cope with updates that go missing.
 */
export const POWER_SAVE_MISSED = 0.05;

/** NMEA message ids of UBX-CFG-MSG class 0xF0 (u-blox 6 Receiver Description, "NMEA Messages Overview"). */
const NMEA_IDS: Record<number, string> = { 0: "GGA", 1: "GLL", 2: "GSA", 3: "GSV", 4: "RMC", 5: "VTG", 8: "ZDA" };

/**
 * The part of a NEO-6M's configuration and power states the simulator obeys:
 * the UBX-CFG-MSG commands the firmware sends at boot (a rate of 0 turns a
 * sentence off); UBX-CFG-RXM's power save mode, where some updates come
 * without a fix (POWER_SAVE_MISSED); and UBX-RXM-PMREQ's backup state, silent
 * until its duration ends or a byte on its RX wakes it (the byte is lost),
 * then a hot start (HOT_START_S without a fix), or a warm start when its
 * ephemeris has aged past EPHEMERIS_VALID_S without EPHEMERIS_COLLECT_S of
 * tracking to renew it (WARM_START_S). Each state is timed for the
 * energy estimate. Frames are checked as the receiver does (sync 0xB5 0x62,
 * Fletcher checksum); anything else on the line is ignored. Chunking does not
 * matter.
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
  /** the backup state: since when, until when (Infinity: until woken) */
  private backup: { since: number; until: number } | undefined;
  private backupBefore = 0;
  /** when the last wake-up from backup was, and how long its start takes */
  private wokeAt = -Infinity;
  private startS = 0;
  /** wake-ups from backup so far, the hot and warm starts' seconds */
  wakeUps = 0;
  private startsS = 0;
  /** since when the receiver has been awake (-Infinity: since before the trip) */
  private awakeSince = -Infinity;
  /** its ephemeris serves hot starts until then; it has none before its first fix */
  private ephemerisUntil = -Infinity;
  private readonly random: Prng;

  /** `now`: the trip's clock in seconds, which times the power states */
  constructor(
    private readonly now: () => number,
    seed: number | string = 1,
  ) {
    this.random = new Prng(seed, "neo6m-power-save");
  }

  /** Seconds spent in power save mode so far. */
  powerSaveS(): number {
    return this.powerSaveBefore + (this.powerSaveSince === undefined ? 0 : this.now() - this.powerSaveSince);
  }

  /** Seconds spent in backup so far. */
  backupS(): number {
    this.wakeIfDue();
    return this.backupBefore + (this.backup ? this.now() - this.backup.since : 0);
  }

  /** Seconds of hot and warm starts after wake-ups and power cuts (acquisition) so far. */
  wakeStartS(): number {
    return this.startsS;
  }

  /** Whether the receiver is in power save mode now. */
  inPowerSave(): boolean {
    return this.powerSaveSince !== undefined;
  }

  /** Whether the receiver is in backup now. */
  inBackup(): boolean {
    this.wakeIfDue();
    return this.backup !== undefined;
  }

  /** The epoch as this receiver gives it now: none in backup, without a fix in a hot start or a missed power save update. */
  epoch(e: GpsEpoch): GpsEpoch | undefined {
    if (this.inBackup()) return undefined;
    const now = this.now();
    const hot = now < this.wokeAt + this.startS;
    // Tracking long enough renews the ephemeris (a fix after a cold start has a new one).
    if (e.fix && !hot && now - Math.max(this.awakeSince, this.wokeAt + this.startS) >= EPHEMERIS_COLLECT_S) this.ephemerisUntil = now + EPHEMERIS_VALID_S;
    const missed = this.powerSaveSince !== undefined && this.random.next() < POWER_SAVE_MISSED;
    return (hot || missed) && e.fix ? { ...e, fix: undefined, state: "dropout" } : e;
  }

  /** Bytes the host sent the receiver. */
  feed(bytes: Uint8Array): void {
    if (this.inBackup() && bytes.length > 0) {
      // Any activity on RX wakes it, and that byte is lost (u-blox 6 Receiver Description §9.3.3).
      this.wake(this.now());
      bytes = bytes.subarray(1);
    }
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

  /**
   * Its power cut and back (the tracker's battery): the configuration in RAM is gone (the sentences
   * all on, continuous tracking), the backup state with it; the backup cell keeps the ephemeris, so it
   * starts hot or warm as after a wake-up.
   */
  powerCut(): void {
    const now = this.now();
    if (this.backup) this.wake(now);
    else this.start(now);
    this.setPowerSave(false);
    this.off.clear();
    this.buf = [];
  }

  private wakeIfDue(): void {
    if (this.backup && this.now() >= this.backup.until) this.wake(this.backup.until);
  }

  private wake(at: number): void {
    this.backupBefore += at - this.backup!.since;
    this.backup = undefined;
    this.wakeUps++;
    this.start(at);
  }

  /** Starting at `at`: hot while its ephemeris serves, else warm. */
  private start(at: number): void {
    this.wokeAt = at;
    this.awakeSince = at;
    this.startS = at < this.ephemerisUntil ? HOT_START_S : WARM_START_S;
    this.startsS += this.startS;
  }

  private apply(cls: number, id: number, payload: number[]): void {
    // RXM-PMREQ: duration U4 ms (0: until woken), flags X4, bit 1 backup. What follows it on the line is not heard.
    if (cls === 0x02 && id === 0x41 && payload.length === 8 && payload[4]! & 2) {
      const ms = payload[0]! + payload[1]! * 256 + payload[2]! * 65536 + payload[3]! * 16777216;
      const now = this.now();
      this.backup = { since: now, until: ms ? now + ms / 1000 : Infinity };
      this.buf = [];
      return;
    }
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
