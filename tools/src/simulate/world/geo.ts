/** Spherical-earth geometry, good to centimetres over the few kilometres of a paddling leg. */

/** mean earth radius (IUGG), metres */
export const EARTH_RADIUS = 6_371_008.8;

export interface LatLon {
  lat: number;
  lon: number;
}

const RAD = Math.PI / 180;

/** Great-circle distance in metres (haversine). */
export function distance(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from a to b, degrees clockwise from true north in [0, 360). */
export function bearing(a: LatLon, b: LatLon): number {
  const φ1 = a.lat * RAD;
  const φ2 = b.lat * RAD;
  const dλ = (b.lon - a.lon) * RAD;
  const y = Math.sin(dλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(dλ);
  return normalizeDegrees(Math.atan2(y, x) / RAD);
}

/** The point `metres` away from p along the initial bearing `course` (degrees). */
export function destination(p: LatLon, course: number, metres: number): LatLon {
  const δ = metres / EARTH_RADIUS;
  const θ = course * RAD;
  const φ1 = p.lat * RAD;
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(δ) + Math.cos(φ1) * Math.sin(δ) * Math.cos(θ));
  const λ2 = p.lon * RAD + Math.atan2(Math.sin(θ) * Math.sin(δ) * Math.cos(φ1), Math.cos(δ) - Math.sin(φ1) * Math.sin(φ2));
  return { lat: φ2 / RAD, lon: ((λ2 / RAD + 540) % 360) - 180 };
}

/** p moved `north` and `east` metres (a local flat approximation, for errors of a few metres). */
export function offset(p: LatLon, north: number, east: number): LatLon {
  return {
    lat: p.lat + north / EARTH_RADIUS / RAD,
    lon: p.lon + east / (EARTH_RADIUS * Math.cos(p.lat * RAD)) / RAD,
  };
}

/** degrees into [0, 360) */
export function normalizeDegrees(d: number): number {
  const r = d % 360;
  return r < 0 ? r + 360 : r;
}

/** the signed turn from heading `from` to heading `to`, in (-180, 180] */
export function turn(from: number, to: number): number {
  const d = normalizeDegrees(to - from);
  return d > 180 ? d - 360 : d;
}
