import { Hono } from "hono";
import { parseAuthorization, parseDeviceId, unauthorized } from "../auth.ts";
import { makeFix, toNumber } from "../fix.ts";
import { acceptFixes, limitRate } from "../ingest.ts";
import { parseJsonObject, requireMediaType, readText } from "../request-body.ts";
import type { ServiceDeps } from "../service.ts";

const KMH = 1000 / 3600; // m/s

/**
 * `POST /api/v1/owntracks`: OwnTracks HTTP mode. Basic auth with the device id
 * as user and the token as password; replies `[]` (no messages for the phone).
 */
export function owntracksRoute(deps: ServiceDeps) {
  return new Hono().post("/", async (c) => {
    const creds = parseAuthorization(c.req.header("authorization"));
    const deviceId = creds?.scheme === "basic" ? parseDeviceId(creds.user) : undefined;
    if (deviceId === undefined || creds?.scheme !== "basic" || !deps.store.authenticate(deviceId, creds.password)) {
      throw unauthorized("use Basic auth with the device id and token", 'Basic realm="kayaktrack"');
    }
    requireMediaType(c, "application/json");
    const text = await readText(c, deps.limits.maxBodyBytes);
    // The app POSTs an empty body when a friend is deleted: nothing to store.
    if (text.trim() === "") return c.json([]);
    const body = parseJsonObject(text);
    limitRate(deps, deviceId);
    // Other message types (transition, waypoint, lwt, …) are accepted and ignored.
    if (body._type === "location") {
      const vel = toNumber(body.vel);
      const fix = makeFix(body.tst, body.lat, body.lon, {
        alt: body.alt,
        speed: vel === undefined ? body.vel : vel * KMH, // vel is km/h
        course: body.cog,
        accuracy: body.acc,
        battery: body.batt,
      });
      const result = await acceptFixes(deps, deviceId, "owntracks", [fix]);
      c.header("X-Kayaktrack-Rejected", String(result.rejected));
    }
    return c.json([]);
  });
}
