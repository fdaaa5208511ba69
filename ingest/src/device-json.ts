import { fixToJson } from "./fix-json.ts";
import type { DeviceWithLatest } from "./store/store.ts";

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
