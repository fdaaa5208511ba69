import { Hono, type Context } from "hono";
import { parseDeviceId } from "../auth.ts";
import { deviceToJson } from "../device-json.ts";
import { fixToFeature } from "../fix-json.ts";
import { queryTime } from "../query-time.ts";
import { checkDeviceName } from "../device-name.ts";
import { HttpError } from "../http-error.ts";
import { parseJsonObject, requireMediaType, readText } from "../request-body.ts";
import { checkTrackerSettings } from "../tracker-settings.ts";
import type { ServiceDeps } from "../deps.ts";

/** Every device with its status, battery and latest position. */
const listDevices = (deps: ServiceDeps) => async (c: Context) => c.json({ devices: (await deps.store.listDevices()).map((d) => deviceToJson(d)) });

/** `/api/v1/devices` (admin token): devices with status, battery and latest position, and a device's fixes as GeoJSON. */
export function devicesRoute(deps: ServiceDeps) {
  return new Hono()
    .get("/", listDevices(deps))
    .get("/:id", async (c) => {
      const id = parseDeviceId(c.req.param("id"));
      const device = id === undefined ? undefined : await deps.store.getDevice(id);
      if (!device) throw new HttpError(404, "not found", "no such device");
      return c.json(deviceToJson(device));
    })
    .get("/:id/fixes", async (c) => {
      const id = parseDeviceId(c.req.param("id"));
      if (id === undefined || !await deps.store.getDevice(id)) throw new HttpError(404, "not found", "no such device");
      const from = queryTime("from", c.req.query("from"));
      const to = queryTime("to", c.req.query("to"));
      const limitText = c.req.query("limit") ?? "1000";
      const limit = Number(limitText);
      if (!/^\d+$/.test(limitText) || limit < 1 || limit > deps.limits.maxPage) {
        throw new HttpError(400, "bad query", `'limit' must be an integer from 1 to ${deps.limits.maxPage}`);
      }
      const cursorText = c.req.query("cursor");
      if (cursorText !== undefined && !/^-?\d{1,16}$/.test(cursorText)) {
        throw new HttpError(400, "bad query", "'cursor' must be the value given in 'next'");
      }
      const fixes = await deps.store.fixes({
        deviceId: id,
        ...(from !== undefined && { from }),
        ...(to !== undefined && { to }),
        ...(cursorText !== undefined && { afterMs: Number(cursorText) }),
        limit,
      });
      let next: string | null = null;
      if (fixes.length === limit) {
        const url = new URL(c.req.url);
        url.searchParams.set("cursor", String(Math.round(fixes[fixes.length - 1]!.time * 1000)));
        next = url.pathname + url.search;
      }
      // RFC 7946 allows foreign members: `next` is the following page, or null at the end.
      return c.json({ type: "FeatureCollection", features: fixes.map(fixToFeature), next });
    });
}

/** `/api/v1/admin/devices`: the same device operations as `kayaktrack device …`. */
export function deviceAdminRoute(deps: ServiceDeps) {
  const list = listDevices(deps);
  return new Hono()
    .post("/", async (c) => {
      requireMediaType(c, "application/json");
      const name = checkDeviceName(parseJsonObject(await readText(c, deps.limits.maxBodyBytes)).name);
      const { device, token } = await deps.store.addDevice(name);
      deps.log.info({ device: device.id }, "device added");
      // The token is shown this once; only its hash is kept.
      return c.json({ id: device.id, name: device.name, token }, 201);
    })
    .get("/", list)
    .patch("/:id", async (c) => {
      requireMediaType(c, "application/json");
      const id = parseDeviceId(c.req.param("id"));
      const body = parseJsonObject(await readText(c, deps.limits.maxBodyBytes));
      if (!("trackerSettings" in body)) throw new HttpError(400, "bad request", "send {\"trackerSettings\": {...} or null}");
      const settings = checkTrackerSettings(body.trackerSettings);
      if (id === undefined || !await deps.store.setTrackerSettings(id, settings)) throw new HttpError(404, "not found", "no such device");
      deps.log.info({ device: id, settings }, "tracker settings set");
      return c.json(deviceToJson((await deps.store.getDevice(id))!));
    })
    .delete("/:id", async (c) => {
      const id = parseDeviceId(c.req.param("id"));
      if (id === undefined || !await deps.store.revokeDevice(id)) throw new HttpError(404, "not found", "no such device");
      deps.log.info({ device: id }, "device revoked");
      return c.json({ id, revoked: true });
    });
}
