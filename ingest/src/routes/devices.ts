import { Hono } from "hono";
import { parseDeviceId } from "../auth.ts";
import { parseTime } from "../fix.ts";
import { fixToFeature, fixToJson } from "../fix-json.ts";
import { HttpError } from "../http-error.ts";
import type { ServiceDeps } from "../service.ts";
import type { DeviceWithLatest } from "../store/store.ts";

/** A device that uploaded within this long is "online". */
export const ONLINE_MS = 10 * 60 * 1000;

export type DeviceStatus = "revoked" | "new" | "online" | "offline";

/** revoked; new (never uploaded); online (an upload within ONLINE_MS); offline. */
export function deviceStatus(d: DeviceWithLatest, now = Date.now()): DeviceStatus {
  if (d.revokedAt !== null) return "revoked";
  if (d.lastSeenAt === null) return "new";
  return now - d.lastSeenAt <= ONLINE_MS ? "online" : "offline";
}

export const deviceToJson = (d: DeviceWithLatest, now = Date.now()) => ({
  id: d.id,
  name: d.name,
  createdAt: new Date(d.createdAt).toISOString(),
  revoked: d.revokedAt !== null,
  status: deviceStatus(d, now),
  lastSeen: d.lastSeenAt === null ? null : new Date(d.lastSeenAt).toISOString(),
  trackerSettings: d.trackerSettings,
  /** percent, as the latest fix reported it (null when it did not) */
  battery: d.latest?.battery ?? null,
  /** volts, as a kayaktrack tracker's latest batch reported them (null for other apps) */
  batteryVolts: d.batteryVolts,
  latest: d.latest && fixToJson(d.latest),
});

export function queryTime(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === "") return undefined;
  const t = parseTime(v);
  if (t === undefined) throw new HttpError(400, "bad query", `'${name}' must be ISO 8601 or epoch seconds`);
  return t;
}

/** Reading (admin token): devices with status, battery and latest position, and a device's fixes as GeoJSON. */
export function devicesRoute(deps: ServiceDeps) {
  return new Hono()
    .get("/", (c) => c.json({ devices: deps.store.listDevices().map((d) => deviceToJson(d)) }))
    .get("/:id", (c) => {
      const id = parseDeviceId(c.req.param("id"));
      const device = id === undefined ? undefined : deps.store.getDevice(id);
      if (!device) throw new HttpError(404, "not found", "no such device");
      return c.json(deviceToJson(device));
    })
    .get("/:id/fixes", (c) => {
      const id = parseDeviceId(c.req.param("id"));
      if (id === undefined || !deps.store.getDevice(id)) throw new HttpError(404, "not found", "no such device");
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
      const fixes = deps.store.fixes({
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
