import { KNOT } from "../units.ts";
import { bytesOf } from "../bytes-of.ts";

/**
 * NMEA 0183 sentence decoding for the sentences a fix is made of. Every
 * decoder returns undefined for input it cannot read and counts it; nothing
 * here throws. Field numbers in comments count from the sentence id as 0.
 */

export interface RmcSentence {
  type: "RMC";
  /** ms since midnight UTC */
  tod: number | undefined;
  valid: boolean;
  lat: number | undefined;
  lon: number | undefined;
  /** m/s */
  speed: number | undefined;
  course: number | undefined;
  /** days since 1970-01-01 */
  day: number | undefined;
}
export interface GgaSentence {
  type: "GGA";
  tod: number | undefined;
  /** 0 no fix, 1 GPS, 2 DGPS, 4/5 RTK, 6 dead reckoning, … */
  quality: number;
  lat: number | undefined;
  lon: number | undefined;
  sats: number | undefined;
  hdop: number | undefined;
  /** metres above mean sea level */
  alt: number | undefined;
}
export interface GllSentence {
  type: "GLL";
  tod: number | undefined;
  valid: boolean;
  lat: number | undefined;
  lon: number | undefined;
}
export interface VtgSentence {
  type: "VTG";
  valid: boolean;
  course: number | undefined;
  speed: number | undefined;
}
export interface GsaSentence {
  type: "GSA";
  /** 1 no fix, 2 2D, 3 3D */
  fixType: number;
  hdop: number | undefined;
}
/** GNS (NMEA 3.0+): the combined GNSS fix, with a mode character per constellation. */
export interface GnsSentence {
  type: "GNS";
  tod: number | undefined;
  /** a constellation has a fix (a mode character other than N); undefined without a mode (Trimble's per-constellation GNS lines) */
  valid: boolean | undefined;
  lat: number | undefined;
  lon: number | undefined;
  sats: number | undefined;
  hdop: number | undefined;
  alt: number | undefined;
}
export interface ZdaSentence {
  type: "ZDA";
  tod: number | undefined;
  day: number | undefined;
}
export type Sentence = RmcSentence | GgaSentence | GllSentence | GnsSentence | VtgSentence | GsaSentence | ZdaSentence;

/**
 * The sentence types decoded, as a string: one native indexOf is cheaper on
 * the interpreter than searching an array. The talker does not matter: a
 * sentence's formatter defines its fields, whoever sends it (GP, GN, GA…, a
 * chart plotter's IN or II, an ECDIS's EC); only proprietary sentences ($P…)
 * are someone's own.
 */
const TYPES = "RMC,GGA,GLL,GNS,VTG,GSA,ZDA";

/** Whether `type` (the three letters after the talker) is one NmeaDecoder reads (nmea-decoder.ts). */
export const decodedType = (type: string) => type.indexOf(",") < 0 && TYPES.indexOf(type) % (type.length + 1) === 0;

/**
 * `$…*hh`: hh is the XOR of every character between '$' and '*'. The XOR runs
 * four bytes at a time through a 32-bit view (byte order does not matter to
 * XOR): on the interpreter a loop step costs far more than the work in it.
 */
export function checksumOk(line: string): boolean {
  const n = line.length;
  if (n < 4 || line.charAt(0) !== "$" || line.charAt(n - 3) !== "*") return false;
  const a = bytesOf(line);
  const end = n - 3;
  let x = 0;
  let i = 1;
  while (i < end && ((a.byteOffset + i) & 3) !== 0) x ^= a[i++]!;
  const words = (end - i) >> 2;
  if (words > 0) {
    const w = new Uint32Array(a.buffer, a.byteOffset + i, words);
    let y = 0;
    for (let j = 0; j < words; j++) y ^= w[j]!;
    x ^= (y ^ (y >>> 8) ^ (y >>> 16) ^ (y >>> 24)) & 255;
    i += words * 4;
  }
  while (i < end) x ^= a[i++]!;
  return hexDigit(line.charCodeAt(n - 2)) * 16 + hexDigit(line.charCodeAt(n - 1)) === x;
}

/** 0–15 for a hex digit's character code, else a value no checksum can match. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return 999;
}

/**
 * A number field; undefined when empty or unreadable. Number(), not parseFloat:
 * a field with a corrupted character ("4`16.9") is unreadable, not its first
 * digits (two changed bytes can cancel out in the checksum).
 */
export function num(field: string | undefined): number | undefined {
  if (field === undefined || field === "") return undefined;
  const v = Number(field);
  return isNaN(v) ? undefined : v;
}

/**
 * hhmmss(.sss) → ms since midnight. One Number() and arithmetic: on the
 * interpreter each native call costs more than the arithmetic around it.
 */
export function timeOfDay(field: string | undefined): number | undefined {
  if (field === undefined || field.length < 6 || field.charAt(6) !== (field.length > 6 ? "." : "")) return undefined;
  const v = Number(field);
  if (isNaN(v)) return undefined;
  const h = Math.floor(v / 10000);
  const m = Math.floor(v / 100) % 100;
  const s = v - h * 10000 - m * 100;
  if (h > 23 || m > 59 || s >= 61) return undefined;
  return Math.round(((h * 60 + m) * 60 + s) * 1000);
}

/** (d)ddmm.mmmm with hemisphere N/S/E/W → signed degrees. */
export function coordinate(field: string | undefined, hemisphere: string | undefined): number | undefined {
  if (!field || !hemisphere) return undefined;
  const v = Number(field);
  if (isNaN(v) || v < 0) return undefined;
  const deg = Math.floor(v / 100);
  const min = v - deg * 100;
  if (min >= 60) return undefined;
  const d = deg + min / 60;
  if (hemisphere === "S" || hemisphere === "W") return -d;
  return hemisphere === "N" || hemisphere === "E" ? d : undefined;
}

/** Days since 1970-01-01 of a civil date (Hinnant's days_from_civil; Espruino has no Date.UTC). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** ddmmyy → days since 1970; two-digit years 80–99 are 1980–1999, the rest 2000–2079. */
export function dateDays(field: string | undefined): number | undefined {
  if (field === undefined || field.length !== 6) return undefined;
  const d = Number(field.substring(0, 2));
  const m = Number(field.substring(2, 4));
  const yy = Number(field.substring(4, 6));
  if (isNaN(d) || isNaN(m) || isNaN(yy) || d < 1 || d > 31 || m < 1 || m > 12) return undefined;
  return daysFromCivil(yy >= 80 ? 1900 + yy : 2000 + yy, m, d);
}

/** NMEA 2.3 mode indicator: N means the data is not valid. */
const modeValid = (mode: string | undefined) => mode === undefined || mode === "" || mode.charAt(0) !== "N";

export function rmc(f: string[]): RmcSentence {
  // 1 time, 2 status A/V, 3-4 lat, 5-6 lon, 7 speed (knots), 8 course, 9 date ddmmyy, 12 mode
  const speed = num(f[7]);
  return {
    type: "RMC",
    tod: timeOfDay(f[1]),
    valid: f[2] === "A" && modeValid(f[12]),
    lat: coordinate(f[3], f[4]),
    lon: coordinate(f[5], f[6]),
    speed: speed === undefined ? undefined : speed * KNOT,
    course: num(f[8]),
    day: dateDays(f[9]),
  };
}

export function gga(f: string[]): GgaSentence | undefined {
  // 1 time, 2-3 lat, 4-5 lon, 6 quality, 7 satellites used, 8 HDOP, 9 altitude (MSL), 10 unit M.
  // An empty quality is unknown, not "no fix" (a FireFly-II sends it so, with its position).
  const quality = f[6] === "" ? 1 : num(f[6]);
  if (quality === undefined) return undefined;
  return {
    type: "GGA",
    tod: timeOfDay(f[1]),
    quality,
    lat: coordinate(f[2], f[3]),
    lon: coordinate(f[4], f[5]),
    sats: num(f[7]),
    hdop: num(f[8]),
    alt: num(f[9]),
  };
}

export function gll(f: string[]): GllSentence {
  // 1-2 lat, 3-4 lon, 5 time, 6 status A/V, 7 mode
  return { type: "GLL", tod: timeOfDay(f[5]), valid: f[6] === "A" && modeValid(f[7]), lat: coordinate(f[1], f[2]), lon: coordinate(f[3], f[4]) };
}

export function gns(f: string[]): GnsSentence {
  // 1 time, 2-3 lat, 4-5 lon, 6 mode per constellation (N no fix, A, D, P, R, F, E, M, S), 7 satellites, 8 HDOP, 9 altitude (MSL)
  const mode = f[6] || "";
  return {
    type: "GNS", tod: timeOfDay(f[1]), valid: mode ? /[^N]/.test(mode) : undefined, lat: coordinate(f[2], f[3]), lon: coordinate(f[4], f[5]),
    sats: num(f[7]), hdop: num(f[8]), alt: num(f[9]),
  };
}

export function vtg(f: string[]): VtgSentence {
  // 1 course true, 2 T, 3 course magnetic, 4 M, 5 speed knots, 6 N, 7 speed km/h, 8 K, 9 mode
  const knots = num(f[5]);
  const kmh = num(f[7]);
  return {
    type: "VTG",
    valid: modeValid(f[9]),
    course: num(f[1]),
    speed: knots !== undefined ? knots * KNOT : kmh !== undefined ? kmh / 3.6 : undefined,
  };
}

export function gsa(f: string[]): GsaSentence | undefined {
  // 1 mode M/A, 2 fix type 1/2/3, 3-14 satellites, 15 PDOP, 16 HDOP, 17 VDOP
  const fixType = num(f[2]);
  if (fixType === undefined) return undefined;
  return { type: "GSA", fixType, hdop: num(f[16]) };
}

export function zda(f: string[]): ZdaSentence {
  // 1 time, 2 day, 3 month, 4 year (four digits)
  const d = num(f[2]);
  const m = num(f[3]);
  const y = num(f[4]);
  const ok = d !== undefined && m !== undefined && y !== undefined && d >= 1 && d <= 31 && m >= 1 && m <= 12 && y > 1979;
  return { type: "ZDA", tod: timeOfDay(f[1]), day: ok ? daysFromCivil(y!, m!, d!) : undefined };
}
