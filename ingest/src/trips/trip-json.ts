import type { Trip } from "./trip.ts";

const iso = (s: number) => new Date(Math.round(s * 1000)).toISOString();

/** A trip as the API shows it: times in ISO 8601, the distance to a decimetre. */
export const tripToJson = (t: Trip) => ({
  id: t.id,
  deviceId: t.deviceId,
  start: iso(t.start),
  end: iso(t.end),
  fixes: t.fixes,
  distanceM: Math.round(t.distanceM * 10) / 10,
  durationS: t.durationS,
  movingS: t.movingS,
  avgMovingSpeed: t.avgMovingSpeed,
  maxSpeed: t.maxSpeed,
  minAlt: t.minAlt,
  maxAlt: t.maxAlt,
  bbox: t.bbox,
});
