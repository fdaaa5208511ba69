import { Hono } from "hono";
import { parseDeviceId } from "../auth.ts";
import { HttpError } from "../http-error.ts";
import { parseJsonObject, requireMediaType, readText } from "../request-body.ts";
import type { ServiceDeps } from "../service.ts";
import { checkTrackerSettings } from "../tracker-settings.ts";
import { deviceToJson } from "./devices.ts";

export const MAX_NAME = 100;

/**
 * Characters a name may not hold: control characters, lone surrogates, and
 * U+FFFE and U+FFFF. The name goes into GPX and KML exports: XML 1.0 forbids
 * all but the C1 controls (U+0080–U+009F), and those are never meant in a name.
 */
const NOT_IN_NAMES = /[\p{Cc}\p{Cs}\uFFFE\uFFFF]/u;

/** Checks a device name: 1–100 printable characters. */
export function checkDeviceName(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "" || name.length > MAX_NAME || NOT_IN_NAMES.test(name)) {
    throw new HttpError(400, "bad device name", `a name is 1 to ${MAX_NAME} printable characters`);
  }
  return name.trim();
}

/** `/api/v1/admin/devices`: the same device operations as `kayaktrack device …`. */
export function adminRoute(deps: ServiceDeps) {
  return new Hono()
    .post("/devices", async (c) => {
      requireMediaType(c, "application/json");
      const name = checkDeviceName(parseJsonObject(await readText(c, deps.limits.maxBodyBytes)).name);
      const { device, token } = deps.store.addDevice(name);
      deps.log.info({ device: device.id }, "device added");
      // The token is shown this once; only its hash is kept.
      return c.json({ id: device.id, name: device.name, token }, 201);
    })
    .get("/devices", (c) => c.json({ devices: deps.store.listDevices().map((d) => deviceToJson(d)) }))
    .patch("/devices/:id", async (c) => {
      requireMediaType(c, "application/json");
      const id = parseDeviceId(c.req.param("id"));
      const body = parseJsonObject(await readText(c, deps.limits.maxBodyBytes));
      if (!("trackerSettings" in body)) throw new HttpError(400, "bad request", "send {\"trackerSettings\": {...} or null}");
      const settings = checkTrackerSettings(body.trackerSettings);
      if (id === undefined || !deps.store.setTrackerSettings(id, settings)) throw new HttpError(404, "not found", "no such device");
      deps.log.info({ device: id, settings }, "tracker settings set");
      return c.json(deviceToJson(deps.store.getDevice(id)!));
    })
    .delete("/devices/:id", (c) => {
      const id = parseDeviceId(c.req.param("id"));
      if (id === undefined || !deps.store.revokeDevice(id)) throw new HttpError(404, "not found", "no such device");
      deps.log.info({ device: id }, "device revoked");
      return c.json({ id, revoked: true });
    });
}
