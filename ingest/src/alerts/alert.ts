/** What an alert is about. */
export type AlertKind = "sos" | "overdue" | "still" | "area";
export const ALERT_KINDS: readonly AlertKind[] = ["sos", "overdue", "still", "area"];

/** Where an alert came from: a tracker's SOS button, a phone app's SOS, or a rule the server watches. */
export type AlertSource = "tracker" | "osmand" | "rule" | "admin";

/** What happened to an alert: each is notified once to each contact. */
export type AlertEvent = "raised" | "cleared";

export interface Alert {
  id: number;
  deviceId: number;
  kind: AlertKind;
  source: AlertSource;
  /** epoch ms of the event: the fix or batch that raised it, or the rule's check */
  raisedAt: number;
  clearedAt: number | null;
  /** epoch ms when someone at home said they are on it */
  acknowledgedAt: number | null;
  /** the position it was raised at, when one was known */
  lat: number | null;
  lon: number | null;
  /** epoch s of that position's fix */
  fixTime: number | null;
  /** a sentence for people: what the rule saw */
  detail: string | null;
}

export interface NewAlert {
  deviceId: number;
  kind: AlertKind;
  source: AlertSource;
  atMs: number;
  lat: number | null;
  lon: number | null;
  fixTime: number | null;
  detail: string | null;
  /** no new alert of this kind until this long after the last one cleared (a flapping rule) */
  cooldownMs?: number;
}

/** How a contact is told. */
export type ContactKind = "webhook" | "email" | "ntfy";
export const CONTACT_KINDS: readonly ContactKind[] = ["webhook", "email", "ntfy"];

export interface Contact {
  id: number;
  deviceId: number;
  kind: ContactKind;
  /** the webhook's or ntfy topic's URL, or the e-mail address */
  target: string;
  name: string | null;
  createdAt: number;
}

/** A contact with its webhook's signing secret (shown once, when added). */
export interface ContactWithSecret extends Contact {
  secret: string | null;
}

export type NewContact = Pick<Contact, "deviceId" | "kind" | "target" | "name">;

/** One notification of one event to one contact: sent once, retried while the receiver is down. */
export interface Delivery {
  id: number;
  event: AlertEvent;
  alert: Alert;
  contact: ContactWithSecret;
  deviceName: string;
  /** sending attempts before this one */
  attempts: number;
}

export type DeliveryState = "pending" | "sent" | "failed" | "suppressed";

export interface DeliveryStatus {
  id: number;
  alertId: number;
  event: AlertEvent;
  contactId: number;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  sentAt: number | null;
}
