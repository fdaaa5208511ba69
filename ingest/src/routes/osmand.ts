import { Hono, type Context } from "hono";
import { parseAuthorization, parseDeviceId, unauthorized } from "../auth.ts";
import { makeFix, toNumber, type Fix } from "../fix.ts";
import { HttpError } from "../http-error.ts";
import { acceptFixes, limitRate } from "../ingest.ts";
import { isObject, mediaType, parseJsonObject, type JsonObject, readText } from "../request-body.ts";
import type { ServiceDeps } from "../service.ts";

const KNOT = 1852 / 3600; // m/s

/** Query string plus, for a form body, its fields (Traccar Client POSTs the query with an empty body). */
async function readParams(c: Context, maxBytes: number): Promise<{ params: Record<string, string>; json?: JsonObject }> {
  const params: Record<string, string> = { ...c.req.query() };
  if (c.req.method !== "POST") return { params };
  const text = await readText(c, maxBytes);
  if (text.trim() === "") return { params };
  const type = mediaType(c);
  if (type === "application/x-www-form-urlencoded") {
    for (const [k, v] of new URLSearchParams(text)) params[k] = v;
    return { params };
  }
  if (type === "application/json") return { params, json: parseJsonObject(text) };
  throw new HttpError(415, "unsupported media type", "send a query string, a form body or JSON");
}

/** The query or form variant; speed arrives in knots (Traccar's OsmAnd protocol). */
function fromParams(p: Record<string, string>): Fix | "invalid" {
  let lat: unknown = p.lat;
  let lon: unknown = p.lon;
  if (p.location !== undefined) [lat, lon] = p.location.split(",");
  if (p.valid === "false" || p.valid === "0") return "invalid";
  const knots = toNumber(p.speed);
  return makeFix(p.timestamp ?? p.time, lat, lon, {
    alt: p.altitude,
    speed: knots === undefined ? p.speed : knots * KNOT,
    course: p.bearing ?? p.heading,
    hdop: p.hdop,
    accuracy: p.accuracy,
    battery: p.batt,
  });
}

/** The JSON variant (Traccar Client 9+): `{device_id, location: {timestamp, coords, battery}}`; speed in m/s. */
function fromJson(body: JsonObject): Fix | "invalid" {
  const loc = body.location;
  if (!isObject(loc) || !isObject(loc.coords)) return "invalid";
  const co = loc.coords;
  const level = isObject(loc.battery) ? toNumber(loc.battery.level) : undefined;
  return makeFix(loc.timestamp, co.latitude, co.longitude, {
    alt: co.altitude,
    speed: co.speed,
    course: co.heading,
    accuracy: co.accuracy,
    battery: level === undefined ? null : level * 100,
  });
}

/**
 * `/api/v1/osmand`: the OsmAnd protocol of Traccar Client. `id` (or `deviceid`,
 * or `device_id` in JSON) is the device id; the token comes as `token` or by Basic auth.
 */
export function osmandRoute(deps: ServiceDeps) {
  return new Hono().on(["GET", "POST"], "/", async (c) => {
    const { params, json } = await readParams(c, deps.limits.maxBodyBytes);
    // Traccar Client's JSON mode also sends device_id as a parameter.
    const deviceId = parseDeviceId(params.id ?? params.deviceid ?? params.device_id ?? json?.device_id);
    if (deviceId === undefined) throw new HttpError(400, "malformed request", "'id' must be a device id");
    const creds = parseAuthorization(c.req.header("authorization"));
    const token = params.token ?? (creds?.scheme === "basic" ? creds.password : creds?.token);
    if (!token || !deps.store.authenticate(deviceId, token)) {
      throw unauthorized("unknown device or wrong token", 'Basic realm="kayaktrack"');
    }
    limitRate(deps, deviceId);
    const result = await acceptFixes(deps, deviceId, "osmand", [json ? fromJson(json) : fromParams(params)]);
    c.header("X-Kayaktrack-Rejected", String(result.rejected));
    return c.body(null, 200);
  });
}
