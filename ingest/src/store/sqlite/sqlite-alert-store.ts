import type Database from "better-sqlite3";
import type { Alert, AlertEvent, AlertKind, Contact, ContactWithSecret, Delivery, DeliveryStatus, NewAlert, NewContact } from "../../alerts/alert.ts";
import type { AlertStore } from "../../alerts/alert-store.ts";
import { NO_RULES, parseAlertRules, type AlertRules } from "../../alerts/alert-rules.ts";
import { newToken } from "../../tokens.ts";
import { toAlert, toContact, toDeliveryStatus, type AlertRow, type ContactRow, type DeliveryRow } from "../alert-rows.ts";

/** The AlertStore on the Store's SQLite connection (its tables: migration v8). */
export class SqliteAlertStore implements AlertStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      addContact: db.prepare("INSERT INTO contacts (device_id, kind, target, name, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
      contact: db.prepare<[number], ContactRow>("SELECT * FROM contacts WHERE id = ?"),
      contacts: db.prepare<[number], ContactRow>("SELECT * FROM contacts WHERE device_id = ? AND removed_at IS NULL ORDER BY id"),
      removeContact: db.prepare("UPDATE contacts SET removed_at = ? WHERE id = ? AND removed_at IS NULL"),
      dropPending: db.prepare("UPDATE deliveries SET state = 'failed', last_error = 'the contact was removed' WHERE contact_id = ? AND state = 'pending'"),
      open: db.prepare<[number, string], AlertRow>("SELECT * FROM alerts WHERE device_id = ? AND kind = ? AND cleared_at IS NULL"),
      last: db.prepare<[number, string], AlertRow>("SELECT * FROM alerts WHERE device_id = ? AND kind = ? ORDER BY id DESC LIMIT 1"),
      insertAlert: db.prepare(
        "INSERT INTO alerts (device_id, kind, source, raised_at, lat, lon, fix_t_ms, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      clearAlert: db.prepare("UPDATE alerts SET cleared_at = ? WHERE id = ?"),
      alert: db.prepare<[number], AlertRow>("SELECT * FROM alerts WHERE id = ?"),
      alerts: db.prepare<[number, number], AlertRow>("SELECT * FROM alerts WHERE device_id = ? ORDER BY id DESC LIMIT ?"),
      openAll: db.prepare<[], AlertRow>("SELECT * FROM alerts WHERE cleared_at IS NULL ORDER BY id"),
      openOf: db.prepare<[number], AlertRow>("SELECT * FROM alerts WHERE device_id = ? AND cleared_at IS NULL ORDER BY id"),
      acknowledge: db.prepare("UPDATE alerts SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL"),
      fanOut: db.prepare(
        `INSERT INTO deliveries (alert_id, event, contact_id, next_at)
         SELECT ?, ?, id, ? FROM contacts WHERE device_id = ? AND removed_at IS NULL
         ON CONFLICT (alert_id, event, contact_id) DO NOTHING`,
      ),
      due: db.prepare<[number, number], { id: number; alert_id: number; event: AlertEvent; contact_id: number; attempts: number }>(
        `SELECT d.id, d.alert_id, d.event, d.contact_id, d.attempts FROM deliveries d
         WHERE d.state = 'pending' AND d.next_at <= ?
           AND NOT (d.event = 'cleared' AND EXISTS (SELECT 1 FROM deliveries r WHERE r.alert_id = d.alert_id
             AND r.contact_id = d.contact_id AND r.event = 'raised' AND r.state = 'pending'))
         ORDER BY d.next_at, d.id LIMIT ?`,
      ),
      lease: db.prepare("UPDATE deliveries SET next_at = ? WHERE id = ?"),
      deviceName: db.prepare<[number], string>("SELECT name FROM devices WHERE id = ?").pluck(),
      sent: db.prepare("UPDATE deliveries SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ? AND state = 'pending'"),
      retry: db.prepare("UPDATE deliveries SET next_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ? AND state = 'pending'"),
      ended: db.prepare("UPDATE deliveries SET state = ?, attempts = attempts + 1, last_error = ? WHERE id = ? AND state = 'pending'"),
      // As `due` takes them: a "cleared" waiting for its "raised" is not due (else a notifier would spin on it).
      nextAt: db.prepare<[], number | null>(
        `SELECT min(d.next_at) FROM deliveries d WHERE d.state = 'pending'
           AND NOT (d.event = 'cleared' AND EXISTS (SELECT 1 FROM deliveries r WHERE r.alert_id = d.alert_id
             AND r.contact_id = d.contact_id AND r.event = 'raised' AND r.state = 'pending'))`,
      ).pluck(),
      sentSince: db.prepare<[number, number], number>("SELECT count(*) FROM deliveries WHERE contact_id = ? AND state = 'sent' AND sent_at >= ?").pluck(),
      deliveries: db.prepare<[number], DeliveryRow>("SELECT * FROM deliveries WHERE alert_id = ? ORDER BY id"),
      rules: db.prepare<[number], string>("SELECT rules FROM alert_rules WHERE device_id = ?").pluck(),
      setRules: db.prepare("INSERT INTO alert_rules (device_id, rules) VALUES (?, ?) ON CONFLICT (device_id) DO UPDATE SET rules = excluded.rules"),
      dropRules: db.prepare("DELETE FROM alert_rules WHERE device_id = ?"),
      watched: db.prepare<[], { device_id: number; rules: string }>("SELECT device_id, rules FROM alert_rules ORDER BY device_id"),
    };
  }

  addContact(c: NewContact): ContactWithSecret {
    const secret = c.kind === "webhook" ? newToken(24) : null;
    const now = Date.now();
    const id = Number(this.s.addContact.run(c.deviceId, c.kind, c.target, c.name, secret, now).lastInsertRowid);
    return { id, deviceId: c.deviceId, kind: c.kind, target: c.target, name: c.name, createdAt: now, secret };
  }

  contacts(deviceId: number): Contact[] {
    return this.s.contacts.all(deviceId).map(toContact);
  }

  removeContact(id: number): boolean {
    return this.db.transaction(() => {
      if (this.s.removeContact.run(Date.now(), id).changes === 0) return false;
      this.s.dropPending.run(id);
      return true;
    }).immediate();
  }

  rules(deviceId: number): AlertRules {
    const text = this.s.rules.get(deviceId);
    const r = text === undefined ? NO_RULES : parseAlertRules(JSON.parse(text));
    return typeof r === "string" ? NO_RULES : r;
  }

  setRules(deviceId: number, rules: AlertRules | null): void {
    const none = !rules || JSON.stringify(rules) === JSON.stringify(NO_RULES);
    if (none) this.s.dropRules.run(deviceId);
    else this.s.setRules.run(deviceId, JSON.stringify(rules));
  }

  watched(): Array<{ deviceId: number; rules: AlertRules }> {
    return this.s.watched.all().flatMap((r) => {
      const rules = parseAlertRules(JSON.parse(r.rules));
      return typeof rules === "string" ? [] : [{ deviceId: r.device_id, rules }];
    });
  }

  raise(a: NewAlert): Alert | undefined {
    return this.db.transaction(() => {
      if (this.s.open.get(a.deviceId, a.kind)) return undefined;
      const last = this.s.last.get(a.deviceId, a.kind);
      if (last && last.cleared_at !== null && a.atMs < last.cleared_at + Math.max(1, a.cooldownMs ?? 0)) return undefined;
      const fixMs = a.fixTime === null ? null : Math.round(a.fixTime * 1000);
      const id = Number(this.s.insertAlert.run(a.deviceId, a.kind, a.source, a.atMs, a.lat, a.lon, fixMs, a.detail).lastInsertRowid);
      this.s.fanOut.run(id, "raised", Date.now(), a.deviceId);
      return toAlert(this.s.alert.get(id)!);
    }).immediate();
  }

  clear(deviceId: number, kind: AlertKind, atMs: number): Alert | undefined {
    return this.db.transaction(() => {
      const open = this.s.open.get(deviceId, kind);
      if (!open || open.raised_at > atMs) return undefined;
      this.s.clearAlert.run(atMs, open.id);
      this.s.fanOut.run(open.id, "cleared", Date.now(), deviceId);
      return toAlert(this.s.alert.get(open.id)!);
    }).immediate();
  }

  openAlerts(deviceId?: number): Alert[] {
    return (deviceId === undefined ? this.s.openAll.all() : this.s.openOf.all(deviceId)).map(toAlert);
  }

  alerts(deviceId: number, limit: number): Alert[] {
    return this.s.alerts.all(deviceId, limit).map(toAlert);
  }

  alert(id: number): Alert | undefined {
    const r = this.s.alert.get(id);
    return r && toAlert(r);
  }

  acknowledge(id: number, atMs: number): boolean {
    return this.s.acknowledge.run(atMs, id).changes > 0;
  }

  claimDeliveries(nowMs: number, leaseUntilMs: number, limit: number): Delivery[] {
    return this.db.transaction(() => {
      const rows = this.s.due.all(nowMs, limit);
      return rows.map((r) => {
        this.s.lease.run(leaseUntilMs, r.id);
        const alert = toAlert(this.s.alert.get(r.alert_id)!);
        const c = this.s.contact.get(r.contact_id)!;
        return { id: r.id, event: r.event, alert, contact: { ...toContact(c), secret: c.secret }, deviceName: this.s.deviceName.get(alert.deviceId) ?? `device ${alert.deviceId}`, attempts: r.attempts };
      });
    }).immediate();
  }

  deliverySent(id: number, atMs: number): void {
    this.s.sent.run(atMs, id);
  }

  deliveryRetry(id: number, nextAtMs: number, error: string): void {
    this.s.retry.run(nextAtMs, error.slice(0, 500), id);
  }

  deliveryEnded(id: number, state: "failed" | "suppressed", error: string): void {
    this.s.ended.run(state, error.slice(0, 500), id);
  }

  nextDeliveryAt(): number | undefined {
    return this.s.nextAt.get() ?? undefined;
  }

  sentSince(contactId: number, sinceMs: number): number {
    return this.s.sentSince.get(contactId, sinceMs)!;
  }

  deliveries(alertId: number): DeliveryStatus[] {
    return this.s.deliveries.all(alertId).map(toDeliveryStatus);
  }
}
