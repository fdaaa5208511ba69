import type { Alert, AlertEvent, AlertKind, AlertSource, Contact, ContactKind, DeliveryState, DeliveryStatus } from "../alerts/alert.ts";

/** The rows of the alert tables, which have the same columns in SQLite and PostgreSQL, and what they become. */

export interface AlertRow {
  id: number;
  device_id: number;
  kind: AlertKind;
  source: AlertSource;
  raised_at: number;
  cleared_at: number | null;
  acknowledged_at: number | null;
  lat: number | null;
  lon: number | null;
  fix_t_ms: number | null;
  detail: string | null;
}

export const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  deviceId: r.device_id,
  kind: r.kind,
  source: r.source,
  raisedAt: r.raised_at,
  clearedAt: r.cleared_at,
  acknowledgedAt: r.acknowledged_at,
  lat: r.lat,
  lon: r.lon,
  fixTime: r.fix_t_ms === null ? null : r.fix_t_ms / 1000,
  detail: r.detail,
});

export interface ContactRow {
  id: number;
  device_id: number;
  kind: ContactKind;
  target: string;
  name: string | null;
  secret: string | null;
  created_at: number;
}

export const toContact = (r: ContactRow): Contact => ({ id: r.id, deviceId: r.device_id, kind: r.kind, target: r.target, name: r.name, createdAt: r.created_at });

export interface DeliveryRow {
  id: number;
  alert_id: number;
  event: AlertEvent;
  contact_id: number;
  state: DeliveryState;
  attempts: number;
  last_error: string | null;
  sent_at: number | null;
}

/** A delivery's status as the API lists it. */
export const toDeliveryStatus = (r: DeliveryRow): DeliveryStatus => ({
  id: r.id, alertId: r.alert_id, event: r.event, contactId: r.contact_id, state: r.state, attempts: r.attempts, lastError: r.last_error, sentAt: r.sent_at,
});
