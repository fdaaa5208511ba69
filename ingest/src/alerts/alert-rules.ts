/** A circle or a polygon (GeoJSON order: [lon, lat]) the boat should stay in. */
export type Area = { circle: { lat: number; lon: number; radiusM: number } } | { polygon: Array<[number, number]> };

/** The rules the server watches for one device (null: not watched). */
export interface AlertRules {
  /** overdue: no upload for this many minutes while a trip is open */
  overdueMin: number | null;
  /** overdue: still on the water past this time (epoch ms; `kayaktrack trip plan --return 18:00`) */
  returnBy: number | null;
  /** the planned route (`trip plan --route FILE.gpx`), [lon, lat] pairs, for the map */
  route: Array<[number, number]> | null;
  /** still on the water: no movement beyond stillRadiusM for this many minutes while a trip is open */
  stillMin: number | null;
  stillRadiusM: number;
  /** leaving this area */
  area: Area | null;
}

export const NO_RULES: AlertRules = { overdueMin: null, returnBy: null, route: null, stillMin: null, stillRadiusM: 50, area: null };

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * The rules from JSON (the API's body, the database's column), or what is wrong with them. Numbers
 * in range, an area a circle of 50 m to 500 km or a polygon of 3 to 1,000 points, a route of at
 * most 10,000 points.
 */
export function parseAlertRules(v: unknown): AlertRules | string {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "the rules must be a JSON object";
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(k in NO_RULES)) return `'${k}' is not a rule (${Object.keys(NO_RULES).join(", ")})`;
  const minutes = (k: string, max: number): number | null | string => {
    const x = o[k];
    if (x === undefined || x === null) return null;
    return finite(x) && x >= 1 && x <= max && Number.isInteger(x) ? x : `'${k}' must be whole minutes from 1 to ${max}`;
  };
  const overdueMin = minutes("overdueMin", 7 * 24 * 60);
  if (typeof overdueMin === "string") return overdueMin;
  // Longer than the trip split's "ashore" (20 minutes by default) it could not tell a stop from a landing anyway.
  const stillMin = minutes("stillMin", 120);
  if (typeof stillMin === "string") return stillMin;
  const stillRadiusM = o.stillRadiusM === undefined ? 50 : o.stillRadiusM;
  if (!finite(stillRadiusM) || stillRadiusM < 10 || stillRadiusM > 5000) return "'stillRadiusM' must be metres from 10 to 5000";
  const returnBy = o.returnBy === undefined ? null : o.returnBy;
  if (returnBy !== null && !(finite(returnBy) && returnBy > 946684800000)) return "'returnBy' must be a time in epoch ms";
  const points = (x: unknown, min: number, max: number, what: string): Array<[number, number]> | string => {
    if (!Array.isArray(x) || x.length < min || x.length > max) return `${what} must have ${min} to ${max} points`;
    for (const p of x) {
      if (!Array.isArray(p) || p.length !== 2 || !finite(p[0]) || !finite(p[1]) || Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) return `${what}'s points must be [longitude, latitude]`;
    }
    return x as Array<[number, number]>;
  };
  let route: Array<[number, number]> | null = null;
  if (o.route !== undefined && o.route !== null) {
    const r = points(o.route, 2, 10_000, "'route'");
    if (typeof r === "string") return r;
    route = r;
  }
  let area: Area | null = null;
  if (o.area !== undefined && o.area !== null) {
    const a = o.area as Record<string, unknown>;
    if (typeof a !== "object") return "'area' must be {circle: {lat, lon, radiusM}} or {polygon: [[lon, lat], …]}";
    if (a.circle !== undefined) {
      const c = a.circle as Record<string, unknown>;
      if (!c || !finite(c.lat) || !finite(c.lon) || Math.abs(c.lat) > 90 || Math.abs(c.lon) > 180 || !finite(c.radiusM) || c.radiusM < 50 || c.radiusM > 500_000) {
        return "'area.circle' must be {lat, lon, radiusM} with a radius from 50 m to 500 km";
      }
      area = { circle: { lat: c.lat, lon: c.lon, radiusM: c.radiusM } };
    } else if (a.polygon !== undefined) {
      const p = points(a.polygon, 3, 1000, "'area.polygon'");
      if (typeof p === "string") return p;
      area = { polygon: p };
    } else return "'area' must be {circle: {lat, lon, radiusM}} or {polygon: [[lon, lat], …]}";
  }
  return { overdueMin, returnBy, route, stillMin, stillRadiusM, area };
}
