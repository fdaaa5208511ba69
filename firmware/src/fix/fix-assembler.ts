import type { Sentence } from "../nmea/nmea-sentence.ts";
import type { Fix } from "./fix.ts";

const DAY_MS = 86_400_000;

/** What the sentences of one epoch (one time of day) said so far. */
interface Epoch {
  tod: number;
  lat: number | undefined;
  lon: number | undefined;
  /** a sentence of this epoch reported a valid position */
  valid: boolean;
  /** how many sentences gave that position (they agree, or the epoch is invalid) */
  sources: number;
  /** a sentence of this epoch said there is no fix (RMC status V, GGA quality 0, GLL status V) */
  invalid: boolean;
  alt: number | undefined;
  speed: number | undefined;
  course: number | undefined;
  hdop: number | undefined;
  sats: number | undefined;
  quality: number;
}

/**
 * Joins the sentences of one epoch (RMC, GGA, GLL, VTG, GSA, ZDA sharing a
 * time of day) into one fix, emitted when the next epoch begins or at
 * finish(). A fix needs a valid position and a date: from RMC or ZDA, or the
 * date given at the start; past midnight without a new date, the day moves on.
 *
 * With `corroborate` (the tracker, whose GPS is set to send RMC and GGA every
 * epoch), a fix also needs two sentences agreeing on its position, and a new
 * date two RMCs in a row: an 8-bit checksum lets through one in 256 sentences
 * with two damaged bytes, so no single sentence is believed on its own.
 */
export class FixAssembler {
  /** epochs with a position but no valid fix, or without a date */
  dropped = 0;
  private epoch: Epoch | undefined;
  /** days since 1970 of the current epoch, once known */
  private day: number | undefined;
  private lastTod: number | undefined;
  /** a date a valid RMC gave that differs from the day: believed when the next RMC says it too */
  private newDay: number | undefined;

  constructor(
    private readonly emit: (fix: Fix) => void,
    /** the date (days since 1970) when the stream starts, if known */
    startDay?: number,
    private readonly corroborate = false,
  ) {
    this.day = startDay;
  }

  add(s: Sentence): void {
    if (s.type === "VTG" || s.type === "GSA") {
      const e = this.epoch;
      if (!e) return;
      if (s.type === "VTG") {
        if (s.valid) {
          if (e.speed === undefined) e.speed = s.speed;
          if (e.course === undefined) e.course = s.course;
        }
      } else if (s.fixType >= 2 && e.hdop === undefined) {
        // GSA has no time: a "no fix" GSA may already belong to the next epoch, so it decides nothing.
        e.hdop = s.hdop;
      }
      return;
    }
    if (s.tod === undefined) return;
    const e = this.epochAt(s.tod);
    switch (s.type) {
      case "RMC":
        if (!s.valid) {
          e.invalid = true;
          break;
        }
        // Only a valid RMC's date is trusted: receivers without a fix report their clock's guess.
        if (s.day !== undefined && s.day !== this.day) {
          if (this.corroborate && s.day !== this.newDay) {
            this.newDay = s.day;
            e.invalid = true;
          } else this.day = s.day;
        }
        this.position(e, s.lat, s.lon);
        e.speed = s.speed;
        e.course = s.course;
        break;
      case "GGA":
        if (s.quality === 0) {
          e.invalid = true;
          break;
        }
        this.position(e, s.lat, s.lon);
        e.quality = s.quality;
        e.alt = s.alt;
        e.sats = s.sats;
        e.hdop = s.hdop;
        break;
      case "GLL":
        if (!s.valid) e.invalid = true;
        else this.position(e, s.lat, s.lon);
        break;
      case "ZDA":
        if (s.day !== undefined) this.day = s.day;
        break;
    }
  }

  /** Emits the epoch being assembled (at the end of the input). */
  finish(): void {
    this.close();
  }

  private position(e: Epoch, lat: number | undefined, lon: number | undefined): void {
    if (lat === undefined || lon === undefined) return;
    // RMC, GGA and GLL of one epoch give the same position: a difference over about a metre is a
    // corrupted field whose checksum still matched (two changes cancel in the XOR), so the epoch is dropped.
    if (e.valid && (Math.abs(e.lat! - lat) > 1e-5 || Math.abs(e.lon! - lon) > 1e-5)) e.invalid = true;
    e.lat = lat;
    e.lon = lon;
    e.valid = true;
    e.sources++;
  }

  private epochAt(tod: number): Epoch {
    // Receivers that mix two- and three-decimal times (120824.758 and 120824.76) mean one epoch.
    if (this.epoch && Math.abs(this.epoch.tod - tod) < 10) {
      this.epoch.tod = tod;
      return this.epoch;
    }
    this.close();
    // Past midnight: the time of day went back by more than half a day.
    if (this.lastTod !== undefined && this.day !== undefined && tod < this.lastTod - DAY_MS / 2) this.day++;
    this.lastTod = tod;
    this.epoch = {
      tod, lat: undefined, lon: undefined, valid: false, sources: 0, invalid: false, alt: undefined, speed: undefined,
      course: undefined, hdop: undefined, sats: undefined, quality: 1,
    };
    return this.epoch;
  }

  private close(): void {
    const e = this.epoch;
    this.epoch = undefined;
    if (!e || !e.valid) return;
    if (e.invalid || this.day === undefined || (this.corroborate && e.sources < 2)) {
      this.dropped++;
      return;
    }
    this.emit({
      time: this.day * 86400 + e.tod / 1000,
      lat: e.lat!,
      lon: e.lon!,
      alt: e.alt,
      speed: e.speed,
      course: e.course,
      hdop: e.hdop,
      sats: e.sats,
      quality: e.quality,
    });
  }
}
