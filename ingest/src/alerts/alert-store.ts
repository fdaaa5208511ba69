import type { Awaitable } from "../store/awaitable.ts";
import type { AlertRules } from "./alert-rules.ts";
import type { Alert, AlertKind, Contact, ContactWithSecret, Delivery, DeliveryStatus, NewAlert, NewContact } from "./alert.ts";

/**
 * Alerts, the contacts who hear of them, and the deliveries between the two: the outbox a
 * notifier sends from. Raising or clearing an alert writes its deliveries in the same
 * transaction, so an event committed is an event notified, whatever stops the process after.
 * Implementations live beside their Store and pass alert-store.contract.ts.
 */
export interface AlertStore {
  /** A contact of the device; a webhook gets a signing secret, returned here only. */
  addContact(c: NewContact): Awaitable<ContactWithSecret>;
  /** the device's contacts, oldest first, without secrets */
  contacts(deviceId: number): Awaitable<Contact[]>;
  /** false when there is no such contact; its pending deliveries are dropped */
  removeContact(id: number): Awaitable<boolean>;

  /** the device's rules (NO_RULES when none are set) */
  rules(deviceId: number): Awaitable<AlertRules>;
  /** sets them; NO_RULES (or null) stops watching the device */
  setRules(deviceId: number, rules: AlertRules | null): Awaitable<void>;
  /** every device with rules set */
  watched(): Awaitable<Array<{ deviceId: number; rules: AlertRules }>>;

  /**
   * Raises an alert, with a delivery to each of the device's contacts, unless one of its kind
   * is open, or the last one of its kind cleared at or after `atMs` (a late report of an
   * old state) or within `cooldownMs` before it. Undefined when nothing was raised.
   */
  raise(a: NewAlert): Awaitable<Alert | undefined>;
  /** Clears the device's open alert of this kind raised at or before `atMs`, with deliveries; undefined when none. */
  clear(deviceId: number, kind: AlertKind, atMs: number): Awaitable<Alert | undefined>;
  /** open alerts, of one device or all, oldest first */
  openAlerts(deviceId?: number): Awaitable<Alert[]>;
  /** the device's alerts, newest first */
  alerts(deviceId: number, limit: number): Awaitable<Alert[]>;
  alert(id: number): Awaitable<Alert | undefined>;
  /** false when there is no such alert or it was acknowledged already */
  acknowledge(id: number, atMs: number): Awaitable<boolean>;

  /**
   * Takes up to `limit` deliveries due at `nowMs` and holds them until `leaseUntilMs`, so that
   * another process does not send them too; one that is not marked by then is due again. A
   * "cleared" waits while the "raised" of the same alert and contact is pending.
   */
  claimDeliveries(nowMs: number, leaseUntilMs: number, limit: number): Awaitable<Delivery[]>;
  deliverySent(id: number, atMs: number): Awaitable<void>;
  /** due again at `nextAtMs`, one attempt more */
  deliveryRetry(id: number, nextAtMs: number, error: string): Awaitable<void>;
  /** given up on: "failed" (the receiver refused for good, or too many attempts) or "suppressed" (rate limit) */
  deliveryEnded(id: number, state: "failed" | "suppressed", error: string): Awaitable<void>;
  /** epoch ms of the next pending delivery, undefined when none */
  nextDeliveryAt(): Awaitable<number | undefined>;
  /** how many deliveries to this contact were sent at or after `sinceMs` */
  sentSince(contactId: number, sinceMs: number): Awaitable<number>;
  deliveries(alertId: number): Awaitable<DeliveryStatus[]>;
}
