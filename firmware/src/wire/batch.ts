/**
 * The compact batch: a tracker's fixes as they go over GPRS. Specified byte by
 * byte in docs/wire-format.md; the encoder runs on the board, the decoder in
 * the ingest service.
 */
/**
 * Version 2 carries the battery as a voltage; version 1 (still read) as a percentage. Version 3
 * is version 2 with an SOS state after the battery: a tracker sends it only while it has one to
 * tell, so it still talks to servers that read 2, and one that does not read 3 refuses it (400).
 */
export const WIRE_VERSION = 2;
export const WIRE_VERSION_SOS = 3;

/** The SOS state a version 3 batch carries (docs/wire-format.md). */
export const SOS_NONE = 0;
export const SOS_ON = 1;
export const SOS_CANCELLED = 2;
export const BATCH_MEDIA_TYPE = "application/vnd.kayaktrack.batch";

/**
 * Rounds half up, as JavaScript's Math.round does on Node. Espruino's Math.round
 * rounds a negative half away from zero (−1,072,249.5 → −1,072,250, Node says
 * −1,072,249), so a western longitude or a negative altitude could differ by
 * one unit between the board and the simulator (firmware/README.md, Espruino pitfalls).
 */
export const round = (v: number) => Math.floor(v + 0.5);

/** Fixed resolutions of the wire. */
export const RES = {
  /** tenths of a second */
  time: 10,
  /** 1e-5 degree (about 1.1 m) */
  deg: 1e5,
  /** 0.1 m/s */
  speed: 10,
  /** 0.1 */
  hdop: 10,
};

/** A fix as the wire carries it; absent values are null. */
export interface WireFix {
  /** epoch seconds */
  time: number;
  lat: number;
  lon: number;
  /** metres */
  alt: number | null;
  /** m/s */
  speed: number | null;
  /** degrees */
  course: number | null;
  hdop: number | null;
  sats: number | null;
}

export interface BatchHeader {
  device: number;
  seq: number;
  /** battery volts (in steps of 10 mV on the wire), or null when unknown */
  batteryVolts: number | null;
  /** tracker counters, in the order docs/wire-format.md lists */
  counters: number[];
  /** SOS_ON while the paddler's SOS stands, SOS_CANCELLED once it is cancelled; absent or SOS_NONE: a version 2 batch */
  sos?: number;
}

/** A batch as the server reads it. */
export interface DecodedBatch extends BatchHeader {
  version: number;
  /** SOS_NONE (versions 1 and 2), SOS_ON or SOS_CANCELLED */
  sos: number;
  /** the charge as a version 1 batch sent it; null from version 2, which sends volts (the server cannot know the battery's chemistry) */
  batteryPercent: number | null;
  fixes: WireFix[];
  /** the integers the fixes were coded as (quantize), 8 a fix: what identifies them, whatever the encoder's predictions */
  quantized: Float64Array;
}

/** Bits of the per-fix change mask: which residuals follow, in this order. */
export const FIELD_BITS = ["time", "lat", "lon", "alt", "speed", "course", "hdop", "sats"] as const;

/**
 * The integers a fix is coded as. Optional fields are 0 when absent and the
 * quantized value + 1 otherwise (altitude zig-zagged first), so a delta can
 * also say "now absent". Course is 0 or 1–360 and its deltas wrap modulo 361.
 */
export function quantize(f: WireFix): number[] {
  const opt = (v: number | null, scale: number) => (v === null ? 0 : round(v * scale) + 1);
  return [
    round(f.time * RES.time),
    round(f.lat * RES.deg),
    round(f.lon * RES.deg),
    f.alt === null ? 0 : zig(round(f.alt)) + 1,
    opt(f.speed, RES.speed),
    f.course === null ? 0 : (((round(f.course) % 360) + 360) % 360) + 1,
    opt(f.hdop, RES.hdop),
    f.sats === null ? 0 : Math.min(254, round(f.sats)) + 1,
  ];
}

/** An optional field's code back to its value (0: absent). */
const optValue = (v: number, scale: number) => (v === 0 ? null : (v - 1) / scale);
const zig = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);
const unzig = (u: number) => (u % 2 === 0 ? u / 2 : -(u + 1) / 2);

/** The fix that quantized integers stand for. */
export function dequantize(q: ArrayLike<number>, at = 0): WireFix {
  return {
    time: q[at]! / RES.time,
    lat: q[at + 1]! / RES.deg,
    lon: q[at + 2]! / RES.deg,
    alt: q[at + 3] === 0 ? null : unzig(q[at + 3]! - 1),
    speed: optValue(q[at + 4]!, RES.speed),
    course: q[at + 5] === 0 ? null : q[at + 5]! - 1,
    hdop: optValue(q[at + 6]!, RES.hdop),
    sats: q[at + 7] === 0 ? null : q[at + 7]! - 1,
  };
}

/** Course codes 0–360 wrap: the shortest way round the 361 values. */
export const COURSE_MOD = 361;
export const wrapCourse = (d: number) => {
  const m = ((d % COURSE_MOD) + COURSE_MOD) % COURSE_MOD;
  return m > 180 ? m - COURSE_MOD : m;
};
