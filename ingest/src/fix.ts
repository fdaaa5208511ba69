/** Where a fix came in. */
export type FixSource = "batch" | "osmand" | "owntracks" | "overland" | "import";

/**
 * One position as the service keeps it. `time` is epoch seconds (UTC) with the
 * receiver's fraction; its identity is (device, time to the millisecond).
 * Absent measurements are null, never 0.
 */
export interface Fix {
  time: number;
  lat: number;
  lon: number;
  alt: number | null;
  /** m/s */
  speed: number | null;
  /** degrees clockwise from true north, [0, 360) */
  course: number | null;
  hdop: number | null;
  sats: number | null;
  /** horizontal accuracy, m */
  accuracy: number | null;
  /** battery, percent 0–100 */
  battery: number | null;
}

/** A fix as stored: with its row id (the live stream's event id) and device. */
export interface StoredFix extends Fix {
  id: number;
  deviceId: number;
  source: FixSource;
  /** epoch ms when the server accepted it */
  receivedAt: number;
}

export const EARLIEST_TIME = 946684800; // 2000-01-01T00:00:00Z
export const MAX_AHEAD_S = 24 * 3600;
/** Nothing the service tracks moves faster (airliners cruise near 250 m/s). */
export const MAX_SPEED = 400;
export const MIN_ALT = -1000;
export const MAX_ALT = 50000;

/** Why a fix was dropped; each reason is counted in replies and metrics. */
export type RejectReason = "invalid" | "time" | "lat" | "lon" | "speed" | "alt";

const inRange = (v: number | null, lo: number, hi: number) => v === null || (v >= lo && v <= hi);

/**
 * The one sanity check every fix passes, whatever the way in.
 * Returns the first failed bound, or undefined when the fix is sane.
 */
export function checkFix(f: Fix, nowMs: number = Date.now()): RejectReason | undefined {
  if (!(f.time >= EARLIEST_TIME && f.time <= nowMs / 1000 + MAX_AHEAD_S)) return "time";
  if (!(f.lat >= -90 && f.lat <= 90)) return "lat";
  if (!(f.lon >= -180 && f.lon <= 180)) return "lon";
  if (!inRange(f.speed, 0, MAX_SPEED)) return "speed";
  if (!inRange(f.alt, MIN_ALT, MAX_ALT)) return "alt";
  return undefined;
}

/** A decimal number as text, with an exponent as Kotlin and Java print small ones ("1.0E-4"). */
// One way to match each text: `\d+\.?\d*` would split a long run of digits in many, and take time squared to refuse "111…1x".
const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A finite number from a JSON value or a decimal string ("0x10" is no number: Number() would say 16); undefined otherwise. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && DECIMAL.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** An optional measurement: absent or empty → null; present but not a number → undefined. */
export function optionalNumber(v: unknown): number | null | undefined {
  if (v === undefined || v === null || v === "") return null;
  return toNumber(v);
}

/**
 * Parses a time given as epoch seconds, epoch milliseconds (values past year
 * 5000 in seconds are taken as ms) or an ISO 8601 string; returns epoch seconds.
 */
export function parseTime(v: unknown): number | undefined {
  const n = toNumber(v);
  if (n !== undefined) return n > 1e11 ? n / 1000 : n;
  if (typeof v !== "string") return undefined;
  // "2024-05-01 10:00:00" (Traccar Client's form) is UTC; ISO without zone too.
  const s = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(v) ? v.replace(" ", "T") + "Z" : v;
  if (!/^\d{4}-\d\d-\d\d/.test(s)) return undefined;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** Fields of a fix other than time and position, all optional. */
export type FixExtras = Partial<Omit<Fix, "time" | "lat" | "lon">>;

/**
 * Builds a fix from loosely typed values. Returns "invalid" when a value has
 * the wrong type, so that one bad fix is dropped and counted, not the batch.
 */
export function makeFix(
  time: unknown,
  lat: unknown,
  lon: unknown,
  extras: Record<keyof FixExtras, unknown> | Partial<Record<keyof FixExtras, unknown>> = {},
): Fix | "invalid" {
  const t = parseTime(time);
  const la = toNumber(lat);
  const lo = toNumber(lon);
  if (t === undefined || la === undefined || lo === undefined) return "invalid";
  const fix: Fix = {
    time: Math.round(t * 1000) / 1000,
    lat: la,
    lon: lo,
    alt: null,
    speed: null,
    course: null,
    hdop: null,
    sats: null,
    accuracy: null,
    battery: null,
  };
  for (const key of ["alt", "speed", "course", "hdop", "sats", "accuracy", "battery"] as const) {
    const v = optionalNumber(extras[key]);
    if (v === undefined) return "invalid";
    fix[key] = v;
  }
  return cleanExtras(fix);
}

/**
 * A fix from values that are already numbers or null, as a decoded compact
 * batch gives them: makeFix's checks without its loose parsing, which is most
 * of the main thread's work per batch.
 */
export function typedFix(f: Omit<Fix, "accuracy" | "battery">, battery: number | null): Fix {
  return cleanExtras({
    time: Math.round(f.time * 1000) / 1000,
    lat: f.lat,
    lon: f.lon,
    alt: f.alt,
    speed: f.speed,
    course: f.course,
    hdop: f.hdop,
    sats: f.sats,
    accuracy: null,
    battery,
  });
}

/**
 * Phones report "unknown" as a negative value (iOS CLLocation: speed and course
 * -1), so a negative or impossible extra becomes null instead of costing the
 * whole fix. Course is folded into [0, 360). An accuracy of 0 m is no
 * measurement either: Traccar Client for Android sends `accuracy=0.0` for every
 * GPS fix (ProtocolFormatter.kt, Position.kt), GPSLogger when it has none.
 */
function cleanExtras(f: Fix): Fix {
  if (f.speed !== null && f.speed < 0) f.speed = null;
  if (f.course !== null) f.course = f.course < 0 ? null : f.course % 360;
  // HDOP's field holds up to 99.99 (receivers report that without a fix); an accuracy over 100 km is none.
  if (f.hdop !== null && (f.hdop < 0 || f.hdop > 99.99)) f.hdop = null;
  if (f.sats !== null && (f.sats < 0 || f.sats > 255)) f.sats = null;
  if (f.accuracy !== null && (f.accuracy <= 0 || f.accuracy > 100_000)) f.accuracy = null;
  // A level of 0–1 times 100 leaves float noise (0.57 × 100 = 56.99999999999999): tenths are all a phone means.
  if (f.battery !== null) f.battery = f.battery < 0 || f.battery > 100 ? null : Math.round(f.battery * 10) / 10;
  return f;
}

/** Sorts candidate fixes into sane ones and counted rejects (the one sanity check for every way in). */
export function sortFixes(candidates: Array<Fix | "invalid">, nowMs = Date.now()) {
  const fixes: Fix[] = [];
  const reasons: Partial<Record<RejectReason, number>> = {};
  let rejected = 0;
  for (const c of candidates) {
    const reason = c === "invalid" ? "invalid" : checkFix(c, nowMs);
    if (reason) {
      reasons[reason] = (reasons[reason] ?? 0) + 1;
      rejected++;
    } else fixes.push(c as Fix);
  }
  return { fixes, reasons, rejected };
}
