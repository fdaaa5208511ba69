import { readFileSync } from "node:fs";
import { NO_RULES, parseAlertRules, parseDuration, parseTime, plannedRoute, type AlertRules } from "@kayaktrack/ingest";
import { positiveId } from "../positive-id.ts";
import { withStore } from "../with-store.ts";

export interface AlertRulesOptions {
  device: string;
  overdue?: string | boolean;
  still?: string | boolean;
  stillRadius?: string;
  area?: string | boolean;
  areaGpx?: string;
  json?: boolean;
  db?: string;
}

const deviceId = (v: string) => positiveId("--device", v);

const minutes = (flag: string, v: string) => {
  const s = parseDuration(v);
  if (s === undefined || s < 60 || s % 60 !== 0) throw new Error(`${flag} ${v}: whole minutes, like 30m or 2h`);
  return s / 60;
};

/** The rules in words. */
export function describeRules(r: AlertRules): string {
  const area = r.area ? ("circle" in r.area ? `leaving ${r.area.circle.radiusM} m around ${r.area.circle.lat}, ${r.area.circle.lon}` : `leaving a polygon of ${r.area.polygon.length} points`) : "off";
  return [
    `overdue: ${r.overdueMin === null ? "off" : `no upload for ${r.overdueMin} min while on the water`}`,
    `planned return: ${r.returnBy === null ? "none" : new Date(r.returnBy).toISOString()}${r.route ? ` (route of ${r.route.length} points)` : ""}`,
    `still on the water: ${r.stillMin === null ? "off" : `within ${r.stillRadiusM} m for ${r.stillMin} min`}`,
    `area: ${area}`,
  ].join("\n");
}

/**
 * `kayaktrack alert rules --device ID [--overdue 45m] [--still 15m] [--still-radius 50]
 * [--area LAT,LON,METRES | --area-gpx FILE] [--no-overdue] [--no-still] [--no-area]`: shows a
 * device's rules, or changes some.
 */
export async function alertRulesCommand(o: AlertRulesOptions): Promise<void> {
  const id = deviceId(o.device);
  const rules = await withStore(o.db, async (store) => {
    if (!await store.getDevice(id)) throw new Error(`no device ${id}`);
    const r: AlertRules = { ...(await store.alerts.rules(id)) };
    if (typeof o.overdue === "string") r.overdueMin = minutes("--overdue", o.overdue);
    if (o.overdue === false) r.overdueMin = null;
    if (typeof o.still === "string") r.stillMin = minutes("--still", o.still);
    if (o.still === false) r.stillMin = null;
    if (o.stillRadius !== undefined) r.stillRadiusM = Number(o.stillRadius);
    if (typeof o.area === "string") {
      const [lat, lon, radiusM] = o.area.split(",").map(Number);
      r.area = { circle: { lat: lat!, lon: lon!, radiusM: radiusM! } };
    }
    if (o.areaGpx) r.area = { polygon: plannedRoute(readFileSync(o.areaGpx, "utf8")) };
    if (o.area === false) r.area = null;
    const checked = parseAlertRules(r);
    if (typeof checked === "string") throw new Error(checked);
    await store.alerts.setRules(id, checked);
    return await store.alerts.rules(id);
  });
  process.stdout.write(o.json ? JSON.stringify(rules) + "\n" : describeRules(rules) + "\n");
}

/** "18:00" as the next such time here (today, or tomorrow when it has passed), or an ISO 8601 time. */
export function returnTime(text: string, now = new Date()): number {
  const hm = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (hm && Number(hm[1]) < 24 && Number(hm[2]) < 60) {
    const t = new Date(now);
    t.setHours(Number(hm[1]), Number(hm[2]), 0, 0);
    if (t.getTime() <= now.getTime()) t.setDate(t.getDate() + 1);
    return t.getTime();
  }
  const s = parseTime(text);
  if (s === undefined) throw new Error(`--return ${text}: a time like 18:00, or ISO 8601 (2026-07-01T18:00+02:00)`);
  return Math.round(s * 1000);
}

/** `kayaktrack trip plan --device ID --return 18:00 [--route FILE.gpx] | --cancel` */
export async function tripPlanCommand(o: { device: string; return?: string; route?: string; cancel?: boolean; db?: string }): Promise<void> {
  const id = deviceId(o.device);
  if (!o.cancel && !o.return) throw new Error("give --return TIME (or --cancel to drop the plan)");
  const returnBy = o.return ? returnTime(o.return) : null;
  if (returnBy !== null && returnBy <= Date.now()) throw new Error(`--return ${o.return}: that time has passed`);
  const route = o.route ? plannedRoute(readFileSync(o.route, "utf8")) : null;
  const rules = await withStore(o.db, async (store) => {
    if (!await store.getDevice(id)) throw new Error(`no device ${id}`);
    const r = { ...NO_RULES, ...(await store.alerts.rules(id)), returnBy, route: o.cancel ? null : (route ?? (await store.alerts.rules(id)).route) };
    await store.alerts.setRules(id, r);
    return await store.alerts.rules(id);
  });
  process.stdout.write(
    o.cancel ? `Device ${id}: no planned return.\n` : `Device ${id}: overdue if not back ashore by ${new Date(rules.returnBy!).toString()}${rules.route ? `; route of ${rules.route.length} points` : ""}.\n`,
  );
}
