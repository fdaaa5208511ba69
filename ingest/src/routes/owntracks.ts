import { Hono } from "hono";
import nacl from "tweetnacl";
import { parseAuthorization, parseDeviceId, unauthorized } from "../auth.ts";
import { makeFix, toNumber } from "../fix.ts";
import { HttpError } from "../http-error.ts";
import { acceptFixes, limitRate } from "../accept-fixes.ts";
import { parseJsonObject, requireMediaType, readText, type JsonObject } from "../request-body.ts";
import type { ServiceDeps } from "../deps.ts";

const KMH = 1000 / 3600; // m/s

/** OwnTracks' message types (booklet "JSON"): counted by name when they are not locations; others as "other". */
const TYPES = ["transition", "waypoint", "waypoints", "card", "lwt", "beacon", "status", "steps", "cmd", "request", "configuration"];

/**
 * The plain text of `{"_type":"encrypted","data":…}`: libsodium's secretbox
 * (XSalsa20-Poly1305), the key the passphrase's UTF-8 bytes zero-padded or cut
 * to 32, `data` the base64 of a 24-byte nonce then the box (owntracks/android
 * EncryptionProvider.kt, owntracks/ios Connection.m -decrypt:). Undefined when
 * the key does not open it.
 */
export function decryptOwntracks(data: string, passphrase: string): string | undefined {
  const key = new Uint8Array(32);
  key.set(Buffer.from(passphrase, "utf8").subarray(0, 32));
  const bytes = Buffer.from(data, "base64");
  if (bytes.length < nacl.secretbox.nonceLength + nacl.secretbox.overheadLength) return undefined;
  const n = nacl.secretbox.nonceLength;
  const plain = nacl.secretbox.open(bytes.subarray(n), bytes.subarray(0, n), key);
  return plain ? Buffer.from(plain).toString("utf8") : undefined;
}

/**
 * `POST /api/v1/owntracks`: OwnTracks HTTP mode. Basic auth with the device id
 * as user and the token as password; replies `[]` (no messages for the phone).
 * Encrypted messages are opened with the device's key (`kayaktrack device set
 * ID --owntracks-key …`); without one, or with another, they are refused with
 * 501, which both apps retry (iOS drops a message on any 4xx: Connection.m).
 */
export function owntracksRoute(deps: ServiceDeps) {
  return new Hono().post("/", async (c) => {
    const creds = parseAuthorization(c.req.header("authorization"));
    const deviceId = creds?.scheme === "basic" ? parseDeviceId(creds.user) : undefined;
    if (deviceId === undefined || creds?.scheme !== "basic" || !await deps.store.authenticate(deviceId, creds.password)) {
      throw unauthorized("use Basic auth with the device id and token", 'Basic realm="kayaktrack"');
    }
    requireMediaType(c, "application/json");
    // A point of interest from iOS carries a photo (`image`, base64 JPEG): a larger bound than other ways in.
    const text = await readText(c, deps.limits.maxOwntracksBytes);
    // The app POSTs an empty body when a friend is deleted: nothing to store.
    if (text.trim() === "") return c.json([]);
    let body = parseJsonObject(text);
    await limitRate(deps, deviceId);
    if (body._type === "encrypted") body = await decrypted(deps, deviceId, body);
    if (body._type !== "location") {
      const kind = typeof body._type === "string" && TYPES.includes(body._type) ? body._type : "other";
      deps.metrics.notPositions.inc({ source: "owntracks", kind });
      return c.json([]);
    }
    const vel = toNumber(body.vel);
    // The photo and its name (`image`, `imagename`) are not kept: a fix has no place for them.
    const fix = makeFix(body.tst, body.lat, body.lon, {
      alt: body.alt,
      speed: vel === undefined ? body.vel : vel * KMH, // vel is km/h
      course: body.cog,
      accuracy: body.acc,
      battery: body.batt,
    });
    const result = await acceptFixes(deps, deviceId, "owntracks", [fix]);
    c.header("X-Kayaktrack-Rejected", String(result.rejected));
    return c.json([]);
  });
}

/** The message inside an encrypted one, or a 501 (logged) that the apps retry once the key is set right. */
async function decrypted(deps: ServiceDeps, deviceId: number, body: JsonObject): Promise<JsonObject> {
  const key = await deps.store.owntracksKey(deviceId);
  const plain = key !== undefined && typeof body.data === "string" ? decryptOwntracks(body.data, key) : undefined;
  if (plain === undefined) {
    const why = key === undefined ? "no OwnTracks key is set for this device" : "the device's OwnTracks key does not open it";
    deps.log.warn({ deviceId }, `owntracks: an encrypted message kept waiting on the phone: ${why}`);
    throw new HttpError(501, "encrypted message", `${why}: set it with 'kayaktrack device set ${deviceId} --owntracks-key KEY' (the app's secret encryption key); the app sends it again`);
  }
  return parseJsonObject(plain);
}
