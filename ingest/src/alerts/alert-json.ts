import type { Alert, Contact, DeliveryStatus } from "./alert.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An alert as the HTTP API shows it. */
export const alertToJson = (a: Alert) => ({
  id: a.id,
  device: a.deviceId,
  kind: a.kind,
  source: a.source,
  raisedAt: iso(a.raisedAt),
  clearedAt: iso(a.clearedAt),
  acknowledgedAt: iso(a.acknowledgedAt),
  position: a.lat === null || a.lon === null ? null : { lat: a.lat, lon: a.lon, time: a.fixTime === null ? null : iso(a.fixTime * 1000) },
  detail: a.detail,
});
export type AlertJson = ReturnType<typeof alertToJson>;

export const contactToJson = (c: Contact) => ({ id: c.id, device: c.deviceId, kind: c.kind, target: c.target, name: c.name, createdAt: iso(c.createdAt) });

export const deliveryToJson = (d: DeliveryStatus) => ({
  id: d.id, event: d.event, contact: d.contactId, state: d.state, attempts: d.attempts, lastError: d.lastError, sentAt: iso(d.sentAt),
});
