import type { GpsEpoch } from "./gps-receiver.ts";
import { KNOT } from "@kayaktrack/firmware/units";
import { withChecksum } from "./nmea-checksum.ts";

/**
 * The NMEA sentences of one epoch of a u-blox NEO-6M in its default
 * configuration: RMC, VTG, GGA, GSA, GSV (one per four satellites), GLL,
 * talker GP, in the receiver's order and number formats (as in gpsd's u-blox
 * logs and the u-blox 6 Receiver Description's examples).
 *
 * The fields are written here and the checksum footer by nmea-simple: its
 * packet encoders do not fit, having none for RMC, GSA or GSV, while its GGA/GLL
 * encoders drop the hundredths of the time (hhmmss, so two epochs at 5 Hz
 * would share one time) and write other widths (6-decimal minutes, 1-decimal
 * HDOP). nmea-simple parses every line in the tests.
 */
export function neo6mSentences(e: GpsEpoch): string[] {
  const time = e.timeKnown ? nmeaTime(e.time) : "";
  // A receiver with the GPS week-rollover bug dates its epochs 1,024 weeks early; the time of day is right.
  const date = e.timeKnown ? nmeaDate(e.time + (e.dateErrorS ?? 0)) : "";
  const f = e.fix;
  const tracked = e.satellites.filter((s) => s.snr !== undefined).length;
  const out: string[] = [];
  if (f) {
    const lat = latitude(f.lat);
    const lon = longitude(f.lon);
    const knots = (f.speed / KNOT).toFixed(3);
    const kmh = (f.speed * 3.6).toFixed(3);
    const course = f.course === undefined ? "" : f.course.toFixed(2);
    // RMC: 1 time, 2 status, 3-6 position, 7 knots, 8 course, 9 date, 10-11 magnetic variation (none), 12 mode A (autonomous)
    out.push(withChecksum(`GPRMC,${time},A,${lat},${lon},${knots},${course},${date},,,A`));
    // VTG: 1-2 course true, 3-4 magnetic (none), 5-6 knots, 7-8 km/h, 9 mode
    out.push(withChecksum(`GPVTG,${course},T,,M,${knots},N,${kmh},K,A`));
    // GGA: 6 quality 1, 7 satellites used (2 digits), 8 HDOP, 9-10 altitude MSL, 11-12 geoid separation, 13-14 no DGPS
    out.push(withChecksum(`GPGGA,${time},${lat},${lon},1,${two(f.sats)},${f.hdop.toFixed(2)},${f.alt.toFixed(1)},M,${e.geoidSeparation.toFixed(1)},M,,`));
  } else {
    out.push(withChecksum(`GPRMC,${time},V,,,,,,,${date},,,N`));
    out.push(withChecksum("GPVTG,,,,,,,,,N"));
    out.push(withChecksum(`GPGGA,${time},,,,,0,${two(tracked)},99.99,,,,,,`));
  }
  // GSA: 1 mode A (automatic 2D/3D), 2 fix 1 none / 3 3D, 3-14 satellites used, 15-17 PDOP HDOP VDOP
  const used = e.satellites.filter((s) => s.used).map((s) => two(s.prn));
  while (used.length < 12) used.push("");
  const dop = f ? `${f.pdop.toFixed(2)},${f.hdop.toFixed(2)},${f.vdop.toFixed(2)}` : "99.99,99.99,99.99";
  out.push(withChecksum(`GPGSA,A,${f ? 3 : 1},${used.slice(0, 12).join(",")},${dop}`));
  out.push(...gsv(e));
  // GLL: 1-4 position, 5 time, 6 status, 7 mode
  out.push(withChecksum(f ? `GPGLL,${latitude(f.lat)},${longitude(f.lon)},${time},A,A` : `GPGLL,,,,,${time},V,N`));
  return out;
}

/** 1,024 weeks in seconds: the GPS week number's 10 bits wrap so often (1999, 2019, 2038). */
export const WEEK_ROLLOVER_S = 1024 * 7 * 86_400;

/** GSV: satellites in view, four to a sentence: PRN, elevation, azimuth, SNR (empty when not tracked). */
function gsv(e: GpsEpoch): string[] {
  const sats = e.satellites;
  const n = Math.max(1, Math.ceil(sats.length / 4));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const group = sats.slice(i * 4, i * 4 + 4).map((s) => `${two(s.prn)},${two(s.elevation)},${three(s.azimuth)},${s.snr === undefined ? "" : two(s.snr)}`);
    out.push(withChecksum([`GPGSV,${n},${i + 1},${two(sats.length)}`, ...group].join(",")));
  }
  return out;
}

/**
 * The text messages a NEO-6M sends once at power-on (firmware 7.03) before
 * its first epoch. The firmware ignores them; a reader may see them.
 */
export const NEO6M_BANNER: string[] = [
  "GPTXT,01,01,02,u-blox ag - www.u-blox.com",
  "GPTXT,01,01,02,HW  UBX-G60xx  00040007 ",
  "GPTXT,01,01,02,ROM CORE 7.03 (45969) Mar 17 2011 16:18:34",
  "GPTXT,01,01,02,ANTSUPERV=AC SD PDoS SR",
  "GPTXT,01,01,02,ANTSTATUS=DONTKNOW",
].map(withChecksum);

/** Sentences as they go on the wire: each ended by CR LF. */
export function nmeaText(sentences: string[]): string {
  return sentences.map((s) => `${s}\r\n`).join("");
}

const two = (n: number) => String(n).padStart(2, "0");
const three = (n: number) => String(n).padStart(3, "0");

/** hhmmss.ss of epoch seconds */
export function nmeaTime(t: number): string {
  const cs = Math.round(t * 100) % 8_640_000;
  const s = cs / 100;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = (cs % 6000) / 100;
  return `${two(h)}${two(m)}${sec.toFixed(2).padStart(5, "0")}`;
}

/** ddmmyy of epoch seconds */
export function nmeaDate(t: number): string {
  const d = new Date(Math.floor(Math.round(t * 100) / 8_640_000) * 86_400_000);
  return `${two(d.getUTCDate())}${two(d.getUTCMonth() + 1)}${two(d.getUTCFullYear() % 100)}`;
}

/** ddmm.mmmmm,N of degrees */
export function latitude(d: number): string {
  return `${degreesMinutes(Math.abs(d), 2)},${d < 0 ? "S" : "N"}`;
}

/** dddmm.mmmmm,E of degrees */
export function longitude(d: number): string {
  return `${degreesMinutes(Math.abs(d), 3)},${d < 0 ? "W" : "E"}`;
}

/** In whole 0.00001 minutes, so that a minute never rounds up to "60.00000". */
function degreesMinutes(abs: number, width: number): string {
  const units = Math.round(abs * 6e6);
  const deg = Math.floor(units / 6e6);
  const min = (units - deg * 6e6) / 1e5;
  return `${String(deg).padStart(width, "0")}${min.toFixed(5).padStart(8, "0")}`;
}
