import { parseDuration } from "../duration.ts";
import type { Store } from "../store/store.ts";
import { defaultTripOptions, type TripOptions } from "./trip.ts";

/** The settings key that holds the database's own trip thresholds (JSON, only those set). */
const KEY = "trip_options";

type Unit = "duration" | "metres" | "m/s";

/** Each threshold a user can set: its name on the command line, its unit and its range. */
export const TRIP_SETTINGS: Record<keyof TripOptions, { flag: string; unit: Unit; min: number; max: number; says: string }> = {
  gapS: { flag: "gap", unit: "duration", min: 60, max: 7 * 86400, says: "a pause in the fixes longer than this ends a trip" },
  stationaryS: { flag: "ashore", unit: "duration", min: 60, max: 7 * 86400, says: "this long within --ashore-radius ends a trip" },
  stationaryRadiusM: { flag: "ashore-radius", unit: "metres", min: 5, max: 10_000, says: "the radius, in metres, of --ashore" },
  minDistanceM: { flag: "min-distance", unit: "metres", min: 0, max: 1_000_000, says: "shorter trips, in metres, are dropped (their fixes stay)" },
  minDurationS: { flag: "min-duration", unit: "duration", min: 0, max: 86400, says: "shorter trips are dropped (their fixes stay)" },
  movingSpeed: { flag: "moving-speed", unit: "m/s", min: 0.05, max: 10, says: "slower than this, in m/s, is not moving" },
  outlierSpeed: { flag: "outlier-speed", unit: "m/s", min: 1, max: 1000, says: "a fix needing more speed than this, in m/s, is an outlier" },
  speedWindowS: { flag: "speed-window", unit: "duration", min: 1, max: 3600, says: "the maximum speed is measured over spans this long" },
};

const KEYS = Object.keys(TRIP_SETTINGS) as Array<keyof TripOptions>;

/** The thresholds set in a database (only those set). */
async function ownTripOptions(store: Store): Promise<Partial<TripOptions>> {
  const stored = await store.getSetting(KEY);
  return stored ? (JSON.parse(stored) as Partial<TripOptions>) : {};
}

/** The trip thresholds of a database: the defaults, with what was set (`kayaktrack trips settings`) over them. */
export async function tripOptions(store: Store): Promise<TripOptions> {
  const own = await ownTripOptions(store);
  const o = { ...defaultTripOptions };
  for (const k of KEYS) if (typeof own[k] === "number") o[k] = own[k];
  return o;
}

/**
 * Checks settings given as text ("30m", "200", "0.5") by their command-line
 * names; throws an error naming the one that is wrong. Durations take s, m, h.
 */
export function parseTripSettings(text: Partial<Record<string, string>>): Partial<TripOptions> {
  const out: Partial<TripOptions> = {};
  for (const k of KEYS) {
    const s = TRIP_SETTINGS[k];
    const v = text[s.flag];
    if (v === undefined) continue;
    const n = s.unit === "duration" ? parseDuration(v) : /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : undefined;
    const shown = (x: number) => (s.unit === "duration" ? `${x} s` : `${x} ${s.unit}`);
    if (n === undefined || n < s.min || n > s.max) {
      const form = s.unit === "duration" ? "a duration such as 90s, 20m or 1h" : `a number of ${s.unit}`;
      throw new Error(`--${s.flag} ${v}: ${form} from ${shown(s.min)} to ${shown(s.max)}`);
    }
    out[k] = n;
  }
  return out;
}

/**
 * Sets some thresholds (`reset`: back to the defaults) and marks every
 * device's trips out of date, so they are split again with the new ones.
 */
export async function setTripOptions(store: Store, changes: Partial<TripOptions> | "reset"): Promise<TripOptions> {
  const own = changes === "reset" ? {} : { ...(await ownTripOptions(store)), ...changes };
  await store.setSetting(KEY, JSON.stringify(own));
  for (const d of await store.listDevices()) await store.markTripsDirty(d.id, -Number.MAX_SAFE_INTEGER);
  return await tripOptions(store);
}

/** The thresholds in words, with their units. */
export function describeTripOptions(o: TripOptions): string {
  const min = (s: number) => (s % 60 === 0 ? `${s / 60} min` : `${s} s`);
  return [
    `A trip ends after a pause of more than ${min(o.gapS)} (--gap), or after ${min(o.stationaryS)} (--ashore) within ${o.stationaryRadiusM} m (--ashore-radius).`,
    `Trips shorter than ${o.minDistanceM} m (--min-distance) or ${min(o.minDurationS)} (--min-duration) are dropped; their fixes stay.`,
    `Moving means faster than ${o.movingSpeed} m/s (--moving-speed); a fix needing more than ${o.outlierSpeed} m/s (--outlier-speed) is an outlier;`,
    `the maximum speed is measured over at least ${min(o.speedWindowS)} (--speed-window).`,
  ].join("\n");
}
