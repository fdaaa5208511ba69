import type { Logger } from "pino";
import type { ContactKind, Delivery } from "./alert.ts";
import { alertMessage } from "./alert-message.ts";
import type { AlertStore } from "./alert-store.ts";
import { type Channel, DeliveryError } from "./channels/channel.ts";

export interface NotifierOptions {
  alerts: AlertStore;
  channels: Partial<Record<ContactKind, Channel>>;
  log: Logger;
  /** the server's map, for the messages */
  mapUrl?: string;
  now?: () => number;
  random?: () => number;
  /** the first retry's delay; each next one doubles, up to maxBackoffMs */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** attempts before a delivery is given up as failed (with the defaults, about a day of trying) */
  maxAttempts?: number;
  /** at most this many notifications to one contact an hour, an SOS's excepted */
  perContactPerHour?: number;
  /** how often to look for deliveries another process added (issue 25: several processes, one database) */
  pollMs?: number;
}

/** How long a claimed delivery is held for this process: past it, another may send it. */
const LEASE_MS = 120_000;
/** Deliveries taken at a time: one contact's go one after another, at most SEND_TIMEOUT_MS each, within the lease. */
const CLAIM = 4;

/**
 * Sends the alert store's outbox: each due delivery through its contact's channel, retried with
 * exponential backoff (and jitter) while the receiver is down, each marked once it is taken. A
 * process killed after a commit leaves the deliveries pending: the next start sends them. A
 * process killed between a receiver taking one and the mark sends it again (a webhook sees the
 * same X-Kayaktrack-Delivery, a mail the same Message-ID).
 */
export class Notifier {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly o: NotifierOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Starts sending what is due, and looking again every pollMs. */
  start(): void {
    this.wake();
  }

  /** Looks for due deliveries now (an alert was just raised). */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.round().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      } else void this.schedule();
    });
  }

  /** Finishes the sends under way; nothing new starts. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Resolves once nothing is due now (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async schedule(): Promise<void> {
    if (this.closed) return;
    const poll = this.o.pollMs ?? 5000;
    let next: number | undefined;
    try {
      next = await this.o.alerts.nextDeliveryAt();
    } catch (e) {
      this.o.log.error({ err: e }, "alerts: cannot read the outbox");
    }
    // A wake meanwhile schedules again when its round ends.
    if (this.closed || this.running) return;
    const wait = Math.max(0, Math.min(poll, next === undefined ? poll : next - this.now()));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), wait);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      let due: Delivery[];
      try {
        const now = this.now();
        due = await this.o.alerts.claimDeliveries(now, now + LEASE_MS, CLAIM);
      } catch (e) {
        this.o.log.error({ err: e }, "alerts: cannot read the outbox");
        return;
      }
      if (due.length === 0) return;
      // Contacts in parallel, each contact's deliveries in order: its rate limit counts each one sent.
      const byContact = new Map<number, Delivery[]>();
      for (const d of due) byContact.set(d.contact.id, [...(byContact.get(d.contact.id) ?? []), d]);
      await Promise.all([...byContact.values()].map(async (ds) => {
        for (const d of ds) await this.deliver(d);
      }));
    }
  }

  private async deliver(d: Delivery): Promise<void> {
    const { alerts, log } = this.o;
    const where = { delivery: d.id, alert: d.alert.id, kind: d.alert.kind, event: d.event, contact: d.contact.id, via: d.contact.kind };
    try {
      const cap = this.o.perContactPerHour ?? 20;
      if (d.alert.kind !== "sos" && await alerts.sentSince(d.contact.id, this.now() - 3_600_000) >= cap) {
        await alerts.deliveryEnded(d.id, "suppressed", `more than ${cap} notifications to this contact in an hour`);
        log.warn(where, "alerts: notification suppressed (rate limit)");
        return;
      }
      const channel = this.o.channels[d.contact.kind];
      if (!channel) throw new DeliveryError(`no ${d.contact.kind} channel is configured on this server`, false);
      await channel.send(d, alertMessage(d, this.o.mapUrl));
    } catch (e) {
      await this.failed(d, e, where);
      return;
    }
    try {
      await alerts.deliverySent(d.id, this.now());
      log.info(where, "alerts: notification sent");
    } catch (err) {
      // Sent, but not marked: once the lease runs out it goes again, with the same delivery id.
      log.error({ err, ...where }, "alerts: a notification was sent but cannot be marked so");
    }
  }

  /** A send that failed: tried again after a backoff, or given up on. */
  private async failed(d: Delivery, e: unknown, where: Record<string, unknown>): Promise<void> {
    const { alerts, log } = this.o;
    const error = e instanceof Error ? e.message : String(e);
    const attempts = d.attempts + 1;
    try {
      if ((e instanceof DeliveryError && e.permanent) || attempts >= (this.o.maxAttempts ?? 60)) {
        await alerts.deliveryEnded(d.id, "failed", error);
        log.error({ ...where, error, attempts }, "alerts: notification failed for good");
      } else {
        const base = this.o.backoffMs ?? 10_000;
        const delay = Math.min(this.o.maxBackoffMs ?? 30 * 60_000, base * 2 ** (attempts - 1)) * (0.5 + 0.5 * (this.o.random ?? Math.random)());
        await alerts.deliveryRetry(d.id, this.now() + Math.round(delay), error);
        log.warn({ ...where, error, attempts, retryInMs: Math.round(delay) }, "alerts: notification failed; will retry");
      }
    } catch (err) {
      // The lease runs out and the delivery comes round again.
      log.error({ err, ...where }, "alerts: cannot record a delivery");
    }
  }
}
