import { Hono } from "hono";
import { parseAuthorization, unauthorized } from "../auth.ts";
import { makeFix, toNumber, type Fix } from "../fix.ts";
import { HttpError } from "../http-error.ts";
import { acceptFixes, limitRate } from "../accept-fixes.ts";
import { isObject, parseJsonObject, requireMediaType, readText } from "../request-body.ts";
import type { ServiceDeps } from "../deps.ts";

/**
 * What an entry of `locations` is that is not a position (Overland-iOS GLManager.m,
 * -numberOfObjectsInQueue:): an app event or a visit has `properties.action`
 * ("visit", "paused_location_updates"…), a trip summary `properties.type: "trip"`.
 * Each is stamped with the time it was written, at the last place known.
 */
function notPosition(f: unknown): "visit" | "event" | "trip" | undefined {
  const p = isObject(f) && isObject(f.properties) ? f.properties : undefined;
  if (!p) return undefined;
  if (typeof p.action === "string") return p.action === "visit" ? "visit" : "event";
  return p.type === "trip" ? "trip" : undefined;
}

/** One GeoJSON Point feature of Overland; speed in m/s, battery_level 0–1, CoreLocation's accuracies. */
function fromFeature(f: unknown): Fix | "invalid" {
  if (!isObject(f) || !isObject(f.geometry) || f.geometry.type !== "Point") return "invalid";
  const coords = f.geometry.coordinates;
  if (!Array.isArray(coords)) return "invalid";
  const p = isObject(f.properties) ? f.properties : {};
  // CLLocation: a negative horizontal accuracy means the coordinates are invalid, a negative vertical one the altitude.
  if ((toNumber(p.horizontal_accuracy) ?? 0) < 0) return "invalid";
  const altKnown = (toNumber(p.vertical_accuracy) ?? 0) >= 0;
  const level = toNumber(p.battery_level);
  return makeFix(p.timestamp, coords[1], coords[0], {
    alt: altKnown ? (p.altitude ?? coords[2]) : null,
    speed: p.speed,
    course: p.course,
    accuracy: p.horizontal_accuracy,
    battery: level === undefined ? null : level * 100,
  });
}

/**
 * `POST /api/v1/overland`: Overland's batches, `{"locations": [GeoJSON Point
 * features]}` with `Authorization: Bearer DEVICE_TOKEN` (or `?access_token=`).
 * Replies `{"result":"ok"}`, after which Overland deletes the points it sent.
 */
export function overlandRoute(deps: ServiceDeps) {
  return new Hono().post("/", async (c) => {
    const creds = parseAuthorization(c.req.header("authorization"));
    const token = creds?.scheme === "bearer" ? creds.token : c.req.query("access_token");
    const device = token ? await deps.store.deviceForToken(token) : undefined;
    if (!device) throw unauthorized("unknown or revoked device token");
    requireMediaType(c, "application/json");
    const body = parseJsonObject(await readText(c, deps.limits.maxBodyBytes));
    if (!Array.isArray(body.locations)) throw new HttpError(400, "malformed body", "'locations' must be an array");
    if (body.locations.length > deps.limits.maxFixesPerBatch) {
      throw new HttpError(413, "batch too large", `at most ${deps.limits.maxFixesPerBatch} locations per request`);
    }
    await limitRate(deps, device.id);
    const positions: unknown[] = [];
    for (const f of body.locations) {
      const kind = notPosition(f);
      if (kind) deps.metrics.notPositions.inc({ source: "overland", kind });
      else positions.push(f);
    }
    const result = await acceptFixes(deps, device.id, "overland", positions.map(fromFeature));
    c.header("X-Kayaktrack-Rejected", String(result.rejected));
    c.header("X-Kayaktrack-Not-Positions", String(body.locations.length - positions.length));
    return c.json({ result: "ok" });
  });
}
