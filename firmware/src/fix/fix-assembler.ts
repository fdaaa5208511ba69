import type { Sentence } from "../nmea/nmea-sentence.ts";
import type { GpsFix } from "./gps-fix.ts";
import { nearDistanceM } from "./near-distance.ts";
import { afterRollover } from "./week-rollover.ts";

const DAY_MS = 86_400_000;
/** A lone position sentence continues the track when it is at most this far from the last position believed… */
const REACH_M = 50;
/** …plus this speed (360 km/h) times the seconds since, and those seconds are at most TRACK_GAP_S. */
const REACH_M_PER_S = 100;
const TRACK_GAP_S = 10;

/** What the sentences of one epoch (one time of day) said so far. */
interface Epoch {
  tod: number;
  lat: number | undefined;
  lon: number | undefined;
  /** a sentence of this epoch reported a valid position */
  valid: boolean;
  /** how many sentences gave that position */
  sources: number;
  /** a sentence of this epoch said there is no fix (RMC status V, GGA quality 0, GLL status V) */
  invalid: boolean;
  alt: number | undefined;
  speed: number | undefined;
  course: number | undefined;
  hdop: number | undefined;
  sats: number | undefined;
  quality: number;
  /** when this epoch's time moved the day on (past midnight): the day it made, and the time before it */
  rolled: number | undefined;
  lastTod: number | undefined;
}

export interface AssemblerOptions {
  /** the date (days since 1970) when the stream starts, if known */
  startDay?: number;
  /** two sentences for a position, two RMCs for a new date (below) */
  corroborate?: boolean;
  /** a date before this day is a GPS week rollover, moved on by 1,024 weeks (week-rollover.ts) */
  notBeforeDay?: number;
}

/**
 * Joins the sentences of one epoch (RMC, GGA, GLL, VTG, GSA, ZDA sharing a
 * time of day) into one fix, emitted when the next epoch begins or at
 * finish(). A fix needs a valid position and a date: from RMC or ZDA, or the
 * date given at the start; past midnight without a new date, the day moves on.
 *
 * With `corroborate` (the tracker), no single sentence is believed on its own:
 * an 8-bit checksum lets through one in 256 sentences with two damaged bytes.
 * A position needs two sentences of its epoch agreeing on it, or, where the
 * epoch has one (a receiver that sends GGA or RMC alone, or a sentence lost on
 * the wire), the track to agree: within reach of the last position believed,
 * a few seconds before. A new date needs two RMCs in a row.
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
  /** the type of the last sentence with a time */
  private lastType = "";
  /** the sentence types that ended a cycle: gpsd's cycle enders (below) */
  private enders: string[] = [];
  /** the epoch as it stood at its last report point, which gpsd prints (plain reading, once enders are known) */
  private snap: Epoch | undefined;
  /** corroborating, [seconds since 1970, lat, lon] of the last position believed, or of a lone one to start a track from */
  private track: number[] | undefined;
  /** …and of the last position believed */
  private sure: number[] | undefined;
  /** corroborating, a lone position believed, kept until the next time shows its own time was not the damaged field; and the track before it */
  private held: { fix: GpsFix; track: number[] | undefined; sure: number[] | undefined } | undefined;

  private readonly corroborate: boolean;
  private readonly notBeforeDay: number | undefined;

  constructor(
    private readonly emit: (fix: GpsFix) => void,
    o: AssemblerOptions = {},
  ) {
    this.day = o.startDay;
    this.corroborate = !!o.corroborate;
    this.notBeforeDay = o.notBeforeDay;
  }

  add(s: Sentence): void {
    if (s.type === "VTG" || s.type === "GSA") {
      const e = this.epoch;
      if (!e) return;
      if (s.type === "VTG") {
        // The latest sentence's speed and course stand, as any other field's (gpsd). Corroborating,
        // only where RMC gave none: the epoch ends at the next time, and a receiver that sends VTG
        // before its RMC would have the next epoch's VTG overwrite this one's.
        if (s.valid) {
          if (!this.corroborate || e.speed === undefined) e.speed = s.speed;
          if (!this.corroborate || e.course === undefined) e.course = s.course;
        }
      } else if (s.fixType >= 2 && e.hdop === undefined) {
        // GSA has no time: a "no fix" GSA may already belong to the next epoch, so it decides nothing.
        e.hdop = s.hdop;
      }
      return;
    }
    if (s.tod === undefined) return;
    const e = this.epochAt(s.tod, s.type);
    switch (s.type) {
      case "RMC":
        if (!s.valid) {
          e.invalid = true;
          break;
        }
        // Only a valid RMC's date is trusted: receivers without a fix report their clock's guess.
        const day = this.date(s.day);
        if (day !== undefined && day !== this.day) {
          if (this.corroborate && day !== this.newDay) {
            this.newDay = day;
            e.invalid = true;
          } else this.day = day;
        }
        this.position(e, s.lat, s.lon);
        e.speed = s.speed;
        e.course = s.course;
        break;
      case "GGA":
      case "GNS":
        if (s.type === "GGA" ? s.quality === 0 : !s.valid) {
          if (s.type === "GGA" || s.valid === false) e.invalid = true;
          break;
        }
        this.position(e, s.lat, s.lon);
        if (s.type === "GGA") e.quality = s.quality;
        e.alt = s.alt;
        e.sats = s.sats;
        e.hdop = s.hdop;
        break;
      case "GLL":
        if (!s.valid) e.invalid = true;
        else this.position(e, s.lat, s.lon);
        break;
      case "ZDA":
        if (s.day !== undefined) this.day = this.date(s.day);
        break;
    }
    // A cycle ender: a report point. The epoch goes on until the time changes (a chart plotter may
    // send more of it, and end its cycle twice), and what stood at its last report point is the fix.
    if (this.enders.indexOf(s.type) >= 0) this.snapshot(e);
  }

  private snapshot(e: Epoch): void {
    if (!this.corroborate) this.snap = Object.assign({}, e);
  }

  /** A date the GPS gave, after a week rollover moved on. */
  private date(day: number | undefined): number | undefined {
    return day === undefined || this.notBeforeDay === undefined ? day : afterRollover(day, this.notBeforeDay);
  }

  /** Emits the epoch being assembled (at the end of the input). */
  finish(): void {
    this.close();
    this.release(Infinity);
  }

  /**
   * The held lone position goes out when the next epoch's time is after it.
   * When the next time is not (the held one's time was damaged, with its
   * checksum still matching: 123519.00 read as 123519.50), it is dropped and
   * the track goes back to where it stood before it.
   */
  private release(nextTime: number): void {
    const h = this.held;
    if (!h) return;
    this.held = undefined;
    if (nextTime > h.fix.time) return this.emit(h.fix);
    this.dropped++;
    this.track = h.track;
    this.sure = h.sure;
  }

  /**
   * A position sentence of the epoch. Sentences of one epoch may disagree: a
   * field damaged with its checksum still matching (two changes cancel in the
   * XOR), several talkers' solutions (GP, GA, GN…), or a chart plotter that
   * relays sentences of two cycles under one time. The latest sentence's
   * position stands, as in gpsd; corroborated, a position stands once two
   * sentences agree on it within about a metre, and then no single other
   * sentence moves it.
   */
  private position(e: Epoch, lat: number | undefined, lon: number | undefined): void {
    if (lat === undefined || lon === undefined) return;
    const agrees = e.valid && Math.abs(e.lat! - lat) <= 1e-5 && Math.abs(e.lon! - lon) <= 1e-5;
    if (this.corroborate && !agrees && e.sources > 1) return;
    e.sources = agrees ? e.sources + 1 : 1;
    e.lat = lat;
    e.lon = lon;
    e.valid = true;
  }

  private epochAt(tod: number, type: string): Epoch {
    const last = this.lastType;
    this.lastType = type;
    // Receivers that mix two- and three-decimal times (120824.758 and 120824.76) mean one epoch.
    if (this.epoch && Math.abs(this.epoch.tod - tod) < 10) {
      this.epoch.tod = tod;
      return this.epoch;
    }
    // A new time: the sentence with a time before it ended a cycle, and ends every cycle it closes
    // (gpsd's cycle enders, learned so: driver_nmea0183.c, nmea_parse). A GLL that opens a time is
    // not taken to follow a cycle's end: some receivers stamp GLL with the next second (gpsd's
    // cycle_continue).
    this.close();
    if (last && type !== "GLL" && this.enders.indexOf(last) < 0) this.enders.push(last);
    // Past midnight: the time of day went back by more than half a day.
    const before = this.lastTod;
    const rolled = before !== undefined && this.day !== undefined && tod < before - DAY_MS / 2 ? ++this.day : undefined;
    this.lastTod = tod;
    if (this.held && this.day !== undefined) this.release(this.day * 86400 + tod / 1000);
    this.epoch = {
      tod, lat: undefined, lon: undefined, valid: false, sources: 0, invalid: false, alt: undefined, speed: undefined,
      course: undefined, hdop: undefined, sats: undefined, quality: 1, rolled, lastTod: before,
    };
    return this.epoch;
  }

  private close(): void {
    // Read plain, the fix is the epoch as its last report point left it; an epoch no ender closed
    // (the first, a log's last, a receiver changing its cycle) is taken whole. gpsd prints none of
    // those, but their sentences support them.
    const e = this.snap || this.epoch;
    this.epoch = undefined;
    this.snap = undefined;
    if (!e) return;
    // The track as it stood before this epoch, should a held lone position be dropped (release).
    const track = this.track;
    const sure = this.sure;
    if (!e.valid || e.invalid || this.day === undefined || (this.corroborate && !this.believed(this.day * 86400 + e.tod / 1000, e))) {
      if (e.valid) this.dropped++;
      // Corroborating, an epoch not believed does not move the calendar: its time may be the damaged field.
      if (this.corroborate && e.rolled !== undefined && this.day === e.rolled) {
        this.day--;
        this.lastTod = e.lastTod;
      }
      return;
    }
    const time = this.day * 86400 + e.tod / 1000;
    const fix: GpsFix = {
      time,
      lat: e.lat!,
      lon: e.lon!,
      alt: e.alt,
      speed: e.speed,
      course: e.course,
      hdop: e.hdop,
      sats: e.sats,
      quality: e.quality,
    };
    this.release(time);
    // Corroborating, a lone position waits for the next time (release): its own may be the damaged field.
    if (this.corroborate && e.sources < 2) this.held = { fix, track, sure };
    else this.emit(fix);
  }

  /**
   * Corroborating: two agreeing sentences, or one that continues the track. A
   * lone position with no recent track to continue starts one: the next lone
   * position near it is believed (a GGA-only receiver's second epoch).
   */
  private believed(time: number, e: Epoch): boolean {
    let t = this.track;
    let dt = t ? time - t[0]! : Infinity;
    // A lone position ahead of this one in time had a damaged time: go on from the last one believed.
    if (dt <= 0 && this.sure) {
      t = this.sure;
      dt = time - t[0]!;
    }
    let ok = e.sources > 1;
    if (!ok && dt > 0 && dt <= TRACK_GAP_S) {
      let lon = e.lon!;
      // Across the antimeridian, the short way round.
      if (lon - t![2]! > 180) lon -= 360;
      else if (lon - t![2]! < -180) lon += 360;
      ok = nearDistanceM(t![1]!, t![2]!, e.lat!, lon) <= REACH_M + REACH_M_PER_S * dt;
    }
    // A lone position that disagrees with a recent track does not replace it: it may be the damaged one.
    const here = [time, e.lat!, e.lon!];
    if (ok) this.track = this.sure = here;
    else if (!(dt > 0 && dt <= TRACK_GAP_S)) this.track = here;
    return ok;
  }
}
