import { hash } from "node:crypto";
import { Hono } from "hono";
import { parseAuthorization, parseDeviceId, unauthorized } from "../auth.ts";
import { makeFix } from "../fix.ts";
import { HttpError } from "../http-error.ts";
import { acceptFixes, limitRate } from "../ingest.ts";
import { isObject, parseJsonObject, requireMediaType, readText } from "../request-body.ts";
import type { ServiceDeps } from "../service.ts";

const MAX_SEQ = 2 ** 32 - 1;

/**
 * `POST /api/v1/batches`: the tracker's batch upload, idempotent by (device, seq).
 *
 * JSON form (docs/ARCHITECTURE.md): `{"device": 1, "seq": 7, "fixes": [{"time", "lat",
 * "lon", "alt", "speed", "course", "hdop", "sats"}], "battery": 87}` with
 * `Authorization: Bearer DEVICE_TOKEN`. Replies `{"seq", "stored", "duplicates", "rejected"}`.
 */
export function batchesRoute(deps: ServiceDeps) {
  return new Hono().post("/", async (c) => {
    requireMediaType(c, "application/json");
    const text = await readText(c, deps.limits.maxBodyBytes);
    const body = parseJsonObject(text);

    const deviceId = parseDeviceId(body.device);
    if (deviceId === undefined) throw new HttpError(400, "malformed batch", "'device' must be a device id");
    const creds = parseAuthorization(c.req.header("authorization"));
    const token = creds?.scheme === "bearer" ? creds.token : creds?.scheme === "basic" ? creds.password : undefined;
    if (!token || !deps.store.authenticate(deviceId, token)) throw unauthorized("unknown device or wrong token");

    const seq = body.seq;
    if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0 || seq > MAX_SEQ) {
      throw new HttpError(400, "malformed batch", `'seq' must be an integer from 0 to ${MAX_SEQ}`);
    }
    const raw = body.fixes;
    if (!Array.isArray(raw)) throw new HttpError(400, "malformed batch", "'fixes' must be an array");
    if (raw.length > deps.limits.maxFixesPerBatch) {
      throw new HttpError(413, "batch too large", `at most ${deps.limits.maxFixesPerBatch} fixes per batch`);
    }
    limitRate(deps, deviceId);

    const battery = body.battery;
    const candidates = raw.map((f) =>
      isObject(f)
        ? makeFix(f.time, f.lat, f.lon, {
            alt: f.alt,
            speed: f.speed,
            course: f.course,
            hdop: f.hdop,
            sats: f.sats,
            accuracy: f.accuracy,
            battery: f.battery ?? battery,
          })
        : ("invalid" as const),
    );
    // A resent batch is byte-identical; a reused seq with other content is refused (409).
    const digest = hash("sha256", text, "base64url").slice(0, 22);
    const result = await acceptFixes(deps, deviceId, "batch", candidates, { seq, digest });
    return c.json(result.ack!);
  });
}
