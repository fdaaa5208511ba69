import { hash } from "node:crypto";
import { BATCH_MEDIA_TYPE, BatchFormatError, decodeBatch, formatAck, SOS_NONE, SOS_ON } from "@kayaktrack/firmware/wire";
import { Hono, type Context } from "hono";
import { deviceToken, parseDeviceId, unauthorized } from "../auth.ts";
import { makeFix, optionalNumber, typedFix } from "../fix.ts";
import { HttpError } from "../http-error.ts";
import { acceptFixes, limitRate } from "../accept-fixes.ts";
import { lastFix, reportSos, sosTime } from "../report-sos.ts";
import { isObject, parseJsonObject, readBytes, requireMediaType } from "../request-body.ts";
import { ackSettings } from "../tracker-settings.ts";
import type { ServiceDeps } from "../deps.ts";
import type { Device } from "../store/store.ts";

/** The tracker's seq is its first fix's time in tenths of a second (docs/wire-format.md): any integer a double holds exactly. */
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * `POST /api/v1/batches`: the tracker's batch upload, idempotent by (device, seq).
 *
 * JSON form (docs/ARCHITECTURE.md): `{"device": 1, "seq": 7, "fixes": [{"time", "lat",
 * "lon", "alt", "speed", "course", "hdop", "sats"}], "battery": 87}` with
 * `Authorization: Bearer DEVICE_TOKEN`. Replies `{"seq", "stored", "duplicates", "rejected"}`.
 *
 * Compact form (the firmware's, docs/wire-format.md): Content-Type
 * `application/vnd.kayaktrack.batch`; replies `A <seq> <stored> <duplicates> <rejected>`
 * as text, short because the modem reads it over its serial port. A corrupted
 * batch fails its CRC and gets 400; none of it is stored.
 */
export function batchesRoute(deps: ServiceDeps) {
  return new Hono().post("/", async (c) => {
    const type = requireMediaType(c, "application/json", BATCH_MEDIA_TYPE);
    // The token before the body: a request no device sent is answered before a byte of its body is read,
    // and its connection closed rather than drained (http-error.ts; issue 22: slow bodies held connections for minutes).
    // The batch must then name the device its token belongs to.
    const token = deviceToken(c.req.header("authorization"));
    const device = token ? await deps.store.deviceForToken(token) : undefined;
    if (!device) {
      throw unauthorized("unknown device or wrong token");
    }
    const bytes = await readBytes(c, deps.limits.maxBodyBytes);
    if (type === BATCH_MEDIA_TYPE) return compactBatch(c, deps, device, bytes);
    const text = bytes.toString("utf8");
    const body = parseJsonObject(text);

    const deviceId = parseDeviceId(body.device);
    if (deviceId === undefined) throw new HttpError(400, "malformed batch", "'device' must be a device id");
    if (deviceId !== device.id) throw unauthorized("unknown device or wrong token");

    const seq = body.seq;
    if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0 || seq > MAX_SEQ) {
      throw new HttpError(400, "malformed batch", `'seq' must be an integer from 0 to ${MAX_SEQ}`);
    }
    const raw = body.fixes;
    if (!Array.isArray(raw)) throw new HttpError(400, "malformed batch", "'fixes' must be an array");
    if (raw.length > deps.limits.maxFixesPerBatch) {
      throw new HttpError(413, "batch too large", `at most ${deps.limits.maxFixesPerBatch} fixes per batch`);
    }
    await limitRate(deps, deviceId);

    // The batch's battery applies to every fix: one that is no number is none, not a reason to drop them all.
    const battery = optionalNumber(body.battery) ?? null;
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

/** A batch in the firmware's wire format. */
async function compactBatch(c: Context, deps: ServiceDeps, device: Device, bytes: Buffer) {
  let batch;
  try {
    batch = decodeBatch(bytes);
  } catch (e) {
    if (e instanceof BatchFormatError) throw new HttpError(400, "malformed batch", e.message);
    throw e;
  }
  const deviceId = parseDeviceId(batch.device);
  if (deviceId !== device.id) throw unauthorized("unknown device or wrong token");
  if (batch.seq > MAX_SEQ) throw new HttpError(400, "malformed batch", `'seq' must be at most ${MAX_SEQ}`);
  if (batch.fixes.length > deps.limits.maxFixesPerBatch) {
    throw new HttpError(413, "batch too large", `at most ${deps.limits.maxFixesPerBatch} fixes per batch`);
  }
  await limitRate(deps, device.id);
  // Locals, not the batch: what the closures and the code after the await use stays alive while the write waits.
  const percent = batch.batteryPercent;
  const candidates = batch.fixes.map((f) => typedFix(f, percent));
  const batteryVolts = batch.batteryVolts;
  const sos = batch.sos;
  const sosFix = sos === SOS_NONE ? undefined : lastFix(candidates);
  // The digest covers the fixes only, as the integers they were coded as: a batch
  // resent after the tracker restarted carries new counters and battery.
  const header = { seq: batch.seq, digest: "q" + hash("sha256", new Uint8Array(batch.quantized.buffer), "base64url").slice(0, 21) };
  let result;
  try {
    result = await acceptFixes(deps, device.id, "batch", candidates, header, batteryVolts);
  } catch (e) {
    if (!(e instanceof HttpError && e.status === 409)) throw e;
    // Batches stored before that digest have the digest of their fixes as JSON: a resend of one is a replay.
    const legacy = hash("sha256", JSON.stringify(decodeBatch(bytes).fixes), "base64url").slice(0, 22);
    result = await acceptFixes(deps, device.id, "batch", candidates, { ...header, digest: legacy }, batteryVolts);
  }
  // A version 3 batch's SOS, after its fixes are stored (the alert shows the latest) and before the
  // acknowledgement: a tracker that has it knows the SOS is registered. A resend registers nothing twice.
  if (sos !== SOS_NONE) await reportSos(deps, device.id, sos === SOS_ON ? "on" : "cancelled", "tracker", sosTime(sosFix, header.seq), sosFix);
  return c.text(formatAck({ ...result.ack!, settings: ackSettings(device.trackerSettings) }), 200);
}

