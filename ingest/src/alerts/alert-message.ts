import type { Alert, AlertEvent, AlertKind, Delivery } from "./alert.ts";

/** One notification, as every channel words it. */
export interface AlertMessage {
  title: string;
  /** plain text: what happened, when, where, and a map link */
  text: string;
  /** an SOS is urgent; the rules' findings are high */
  urgent: boolean;
  /** the webhook's JSON body */
  json: AlertJson;
}

export interface AlertJson {
  type: `alert.${AlertEvent}`;
  /** the delivery's id: the same for every attempt, so a receiver can tell a resend */
  delivery: number;
  alert: {
    id: number;
    kind: AlertKind;
    source: Alert["source"];
    device: { id: number; name: string };
    raisedAt: string;
    clearedAt: string | null;
    acknowledgedAt: string | null;
    position: { lat: number; lon: number; time: string | null } | null;
    detail: string | null;
  };
  title: string;
  text: string;
}

const TITLES: Record<AlertKind, Record<AlertEvent, (name: string) => string>> = {
  sos: { raised: (n) => `SOS from ${n}`, cleared: (n) => `SOS cancelled: ${n}` },
  overdue: { raised: (n) => `${n} is overdue`, cleared: (n) => `${n} is no longer overdue` },
  still: { raised: (n) => `${n} has not moved`, cleared: (n) => `${n} is moving again` },
  area: { raised: (n) => `${n} left the area`, cleared: (n) => `${n} is back in the area` },
};

const iso = (ms: number) => new Date(ms).toISOString();
/** "14:32 UTC on 2026-07-01": the time people read, in UTC as the server has no one's time zone. */
const said = (ms: number) => `${iso(ms).slice(11, 16)} UTC on ${iso(ms).slice(0, 10)}`;

/** The words and JSON of one delivery. `mapUrl` is where the server's map is, when known. */
export function alertMessage(d: Delivery, mapUrl?: string): AlertMessage {
  const a = d.alert;
  const title = TITLES[a.kind][d.event](d.deviceName);
  const lines = [d.event === "raised" ? `${title} at ${said(a.raisedAt)}.` : `${title} at ${said(a.clearedAt ?? a.raisedAt)} (raised at ${said(a.raisedAt)}).`];
  if (a.detail) lines.push(a.detail);
  if (a.lat !== null && a.lon !== null) {
    const at = a.fixTime === null ? "" : ` (GPS fix of ${said(a.fixTime * 1000)})`;
    lines.push(`Position: ${a.lat.toFixed(5)}, ${a.lon.toFixed(5)}${at}`);
    lines.push(`https://www.openstreetmap.org/?mlat=${a.lat.toFixed(5)}&mlon=${a.lon.toFixed(5)}#map=15/${a.lat.toFixed(5)}/${a.lon.toFixed(5)}`);
  } else {
    lines.push("Position: none known yet.");
  }
  if (mapUrl) lines.push(`The map: ${mapUrl}`);
  const text = lines.join("\n");
  return {
    title,
    text,
    urgent: a.kind === "sos",
    json: {
      type: `alert.${d.event}`,
      delivery: d.id,
      alert: {
        id: a.id,
        kind: a.kind,
        source: a.source,
        device: { id: a.deviceId, name: d.deviceName },
        raisedAt: iso(a.raisedAt),
        clearedAt: a.clearedAt === null ? null : iso(a.clearedAt),
        acknowledgedAt: a.acknowledgedAt === null ? null : iso(a.acknowledgedAt),
        position: a.lat === null || a.lon === null ? null : { lat: a.lat, lon: a.lon, time: a.fixTime === null ? null : iso(a.fixTime * 1000) },
        detail: a.detail,
      },
      title,
      text,
    },
  };
}
