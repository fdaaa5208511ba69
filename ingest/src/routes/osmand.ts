import { KNOT } from "@kayaktrack/firmware/units";
import { Hono, type Context } from "hono";
import { deviceToken, parseDeviceId, unauthorized } from "../auth.ts";
import { makeFix, toNumber, type Fix } from "../fix.ts";
import { HttpError } from "../http-error.ts";
import { acceptFixes, limitRate } from "../accept-fixes.ts";
import { lastFix, reportSos } from "../report-sos.ts";
import { isObject, mediaType, parseJsonObject, type JsonObject, readText } from "../request-body.ts";
import type { ServiceDeps } from "../deps.ts";


/**
 * Query string plus, for a form body, its fields (Traccar Client POSTs the query with an empty body).
 * `untypedIsForm`: GPSLogger sends a custom body with no Content-Type (CustomUrlWorker.java).
 */
async function readParams(c: Context, maxBytes: number, untypedIsForm: boolean): Promise<{ params: Record<string, string>; json?: JsonObject }> {
  const params: Record<string, string> = { ...c.req.query() };
  if (c.req.method !== "POST") return { params };
  const text = await readText(c, maxBytes);
  if (text.trim() === "") return { params };
  const type = mediaType(c);
  if (type === "application/x-www-form-urlencoded" || (untypedIsForm && type === "")) {
    for (const [k, v] of new URLSearchParams(text)) params[k] = v;
    return { params };
  }
  if (type === "application/json") return { params, json: parseJsonObject(text) };
  throw new HttpError(415, "unsupported media type", "send a query string, a form body or JSON");
}

/** The query or form variant; speed in knots (Traccar's OsmAnd protocol) or, for GPSLogger, m/s. */
function fromParams(p: Record<string, string>, speedUnit: number): Fix | "invalid" {
  let lat: unknown = p.lat;
  let lon: unknown = p.lon;
  if (p.location !== undefined) [lat, lon] = p.location.split(",");
  if (p.valid === "false" || p.valid === "0") return "invalid";
  const speed = toNumber(p.speed);
  return makeFix(p.timestamp ?? p.time, lat, lon, {
    alt: p.altitude,
    speed: speed === undefined ? p.speed : speed * speedUnit,
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
  // The background-geolocation SDK's altitude_accuracy is -1 when the altitude is unknown (and the altitude then 0).
  const altKnown = (toNumber(co.altitude_accuracy) ?? 0) >= 0;
  return makeFix(loc.timestamp, co.latitude, co.longitude, {
    alt: altKnown ? co.altitude : null,
    speed: co.speed,
    course: co.heading,
    accuracy: co.accuracy,
    battery: level === undefined ? null : level * 100,
  });
}

/**
 * The alarm a request carries: `alarm` in the query or form (Traccar Client for Android,
 * ProtocolFormatter.kt; for iOS, ProtocolFormatter.swift; the Flutter app's SDK,
 * HttpUploader.kt), or in the JSON's location, where Traccar's own decoder reads it
 * (OsmAndProtocolDecoder: `location.alarm`, or the background-geolocation SDK's `extras.alarm`).
 */
function alarmOf(p: Record<string, string>, json: JsonObject | undefined): string | undefined {
  if (p.alarm !== undefined) return p.alarm;
  const loc = json?.location;
  if (!isObject(loc)) return undefined;
  const alarm = loc.alarm ?? (isObject(loc.extras) ? loc.extras.alarm : undefined);
  return typeof alarm === "string" ? alarm : undefined;
}

/**
 * A request with no position at all is no failed fix: Traccar Client 10.x's push
 * token (`id=…&notificationToken=…`, push_service.dart) and its heartbeat while
 * standing still without a fix (`id`, `timestamp`, `batt`, `charge`: the SDK's
 * TrackerEngine). Those are counted as what they are.
 */
function notPosition(p: Record<string, string>, json: JsonObject | undefined): "push-token" | "heartbeat" | undefined {
  if (json || p.lat !== undefined || p.lon !== undefined || p.location !== undefined) return undefined;
  return p.notificationToken !== undefined ? "push-token" : "heartbeat";
}

export interface OsmandOptions {
  /** m/s per unit of `speed`: knots for Traccar Client and OsmAnd's protocol, 1 for GPSLogger's %SPD */
  speedUnit?: number;
  /** a POST body without Content-Type is a form (GPSLogger) */
  untypedIsForm?: boolean;
}

/**
 * `/api/v1/osmand`: the OsmAnd protocol of Traccar Client. `id` (or `deviceid`,
 * or `device_id` in JSON) is the device id, with the token as `token` or by
 * Basic auth; or `id` is the device token itself, for the apps whose one field
 * is the device identifier (Traccar Client for iOS replaces the URL's query with
 * its own: ProtocolFormatter.swift; 10.x set up from a link drops it).
 * `/api/v1/gpslogger` is the same with GPSLogger's units.
 */
export function osmandRoute(deps: ServiceDeps, o: OsmandOptions = {}) {
  const speedUnit = o.speedUnit ?? KNOT;
  const source = speedUnit === KNOT ? "osmand" : "gpslogger";
  /** The device an id (or a token given as the id) and a token name, or a 401. */
  const authenticate = async (id: unknown, token: string | undefined): Promise<number> => {
    if (id === undefined || id === "") throw new HttpError(400, "malformed request", "'id' must be a device id, or the device token");
    let deviceId = parseDeviceId(id);
    if (deviceId === undefined) deviceId = typeof id === "string" ? (await deps.store.deviceForToken(id))?.id : undefined;
    else if (!token || !await deps.store.authenticate(deviceId, token)) deviceId = undefined;
    if (deviceId === undefined) {
      throw unauthorized("unknown device or wrong token (give the device id with its token, or the token as id)", 'Basic realm="kayaktrack"');
    }
    return deviceId;
  };
  const idOf = (p: Record<string, unknown>) => p.id ?? p.deviceid ?? p.device_id;

  return new Hono().on(["GET", "POST"], "/", async (c) => {
    const headerToken = deviceToken(c.req.header("authorization"));
    // Traccar Client puts the id in the query: the device is known before a byte of the body is read,
    // so a request no device sent is refused (and its connection closed) without reading it.
    const queryId = idOf(c.req.query());
    if (queryId !== undefined) await authenticate(queryId, c.req.query("token") ?? headerToken);
    const { params, json } = await readParams(c, deps.limits.maxBodyBytes, !!o.untypedIsForm);
    // Traccar Client's JSON mode also sends device_id as a parameter.
    const deviceId = await authenticate(idOf(params) ?? json?.device_id, params.token ?? headerToken);
    await limitRate(deps, deviceId);
    const sos = alarmOf(params, json) === "sos";
    const kind = notPosition(params, json);
    if (kind) {
      deps.metrics.notPositions.inc({ source, kind });
      if (sos) await reportSos(deps, deviceId, "on", "osmand", Date.now(), undefined);
      return c.body(null, 200);
    }
    const candidate = json ? fromJson(json) : fromParams(params, speedUnit);
    const result = await acceptFixes(deps, deviceId, "osmand", [candidate]);
    // Traccar Client's "Send SOS" (a shortcut, a quick action, the Flutter app's button) is one
    // position with alarm=sos, at the press: its time is the arrival (the position may be a cached
    // one). No app sends a cancel: the SOS ends when someone clears it.
    if (sos) await reportSos(deps, deviceId, "on", "osmand", Date.now(), lastFix([candidate]));
    c.header("X-Kayaktrack-Rejected", String(result.rejected));
    return c.body(null, 200);
  });
}
