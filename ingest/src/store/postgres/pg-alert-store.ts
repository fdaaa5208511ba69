import type pg from "pg";
import { ALERT_KINDS, type Alert, type AlertEvent, type AlertKind, type Contact, type ContactWithSecret, type Delivery, type DeliveryStatus, type NewAlert, type NewContact } from "../../alerts/alert.ts";
import type { AlertStore } from "../../alerts/alert-store.ts";
import { NO_RULES, parseAlertRules, type AlertRules } from "../../alerts/alert-rules.ts";
import { newToken } from "../../tokens.ts";
import { toAlert, toContact, toDeliveryStatus, type AlertRow, type ContactRow, type DeliveryRow } from "../alert-rows.ts";
import { guardedQuery, inTransaction } from "./pg-transaction.ts";

/** A delivery is due unless it is a "cleared" whose "raised" to the same contact is still pending. */
const DUE = `d.state = 'pending' AND NOT (d.event = 'cleared' AND EXISTS (SELECT 1 FROM deliveries r WHERE r.alert_id = d.alert_id
  AND r.contact_id = d.contact_id AND r.event = 'raised' AND r.state = 'pending'))`;

const FAN_OUT = `INSERT INTO deliveries (alert_id, event, contact_id, next_at)
  SELECT $1, $2, id, $3 FROM contacts WHERE device_id = $4 AND removed_at IS NULL
  ON CONFLICT (alert_id, event, contact_id) DO NOTHING`;

/** The AlertStore on the PgStore's pool (its tables: migration v8). */
export class PgAlertStore implements AlertStore {
  private readonly q;

  constructor(private readonly pool: pg.Pool) {
    this.q = guardedQuery(pool);
  }

  /**
   * Raising and clearing one device's alerts of one kind take turns across processes (an advisory
   * lock held to the transaction's end): every process's rule watch may look at the same device.
   */
  private lockKind(client: pg.PoolClient, deviceId: number, kind: AlertKind) {
    return client.query("SELECT pg_advisory_xact_lock($1, $2)", [deviceId, ALERT_KINDS.indexOf(kind)]);
  }

  async addContact(c: NewContact): Promise<ContactWithSecret> {
    const secret = c.kind === "webhook" ? newToken(24) : null;
    const now = Date.now();
    const r = await this.q<{ id: number }>(
      "INSERT INTO contacts (device_id, kind, target, name, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      [c.deviceId, c.kind, c.target, c.name, secret, now],
    );
    return { id: r.rows[0]!.id, deviceId: c.deviceId, kind: c.kind, target: c.target, name: c.name, createdAt: now, secret };
  }

  async contacts(deviceId: number): Promise<Contact[]> {
    return (await this.q<ContactRow>("SELECT * FROM contacts WHERE device_id = $1 AND removed_at IS NULL ORDER BY id", [deviceId])).rows.map(toContact);
  }

  removeContact(id: number): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      if ((await client.query("UPDATE contacts SET removed_at = $2 WHERE id = $1 AND removed_at IS NULL", [id, Date.now()])).rowCount === 0) return false;
      await client.query("UPDATE deliveries SET state = 'failed', last_error = 'the contact was removed' WHERE contact_id = $1 AND state = 'pending'", [id]);
      return true;
    });
  }

  async rules(deviceId: number): Promise<AlertRules> {
    const text = (await this.q<{ rules: string }>("SELECT rules FROM alert_rules WHERE device_id = $1", [deviceId])).rows[0]?.rules;
    const r = text === undefined ? NO_RULES : parseAlertRules(JSON.parse(text));
    return typeof r === "string" ? NO_RULES : r;
  }

  async setRules(deviceId: number, rules: AlertRules | null): Promise<void> {
    const none = !rules || JSON.stringify(rules) === JSON.stringify(NO_RULES);
    if (none) await this.q("DELETE FROM alert_rules WHERE device_id = $1", [deviceId]);
    else await this.q("INSERT INTO alert_rules (device_id, rules) VALUES ($1, $2) ON CONFLICT (device_id) DO UPDATE SET rules = excluded.rules", [deviceId, JSON.stringify(rules)]);
  }

  async watched(): Promise<Array<{ deviceId: number; rules: AlertRules }>> {
    const rows = (await this.q<{ device_id: number; rules: string }>("SELECT device_id, rules FROM alert_rules ORDER BY device_id")).rows;
    return rows.flatMap((r) => {
      const rules = parseAlertRules(JSON.parse(r.rules));
      return typeof rules === "string" ? [] : [{ deviceId: r.device_id, rules }];
    });
  }

  raise(a: NewAlert): Promise<Alert | undefined> {
    return inTransaction(this.pool, async (client) => {
      await this.lockKind(client, a.deviceId, a.kind);
      const open = await client.query("SELECT 1 FROM alerts WHERE device_id = $1 AND kind = $2 AND cleared_at IS NULL", [a.deviceId, a.kind]);
      if (open.rowCount! > 0) return undefined;
      const last = (await client.query<AlertRow>("SELECT * FROM alerts WHERE device_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1", [a.deviceId, a.kind])).rows[0];
      if (last && last.cleared_at !== null && a.atMs < last.cleared_at + Math.max(1, a.cooldownMs ?? 0)) return undefined;
      const fixMs = a.fixTime === null ? null : Math.round(a.fixTime * 1000);
      const row = (await client.query<AlertRow>(
        "INSERT INTO alerts (device_id, kind, source, raised_at, lat, lon, fix_t_ms, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
        [a.deviceId, a.kind, a.source, a.atMs, a.lat, a.lon, fixMs, a.detail],
      )).rows[0]!;
      await client.query(FAN_OUT, [row.id, "raised", Date.now(), a.deviceId]);
      return toAlert(row);
    });
  }

  clear(deviceId: number, kind: AlertKind, atMs: number): Promise<Alert | undefined> {
    return inTransaction(this.pool, async (client) => {
      await this.lockKind(client, deviceId, kind);
      const open = (await client.query<AlertRow>("SELECT * FROM alerts WHERE device_id = $1 AND kind = $2 AND cleared_at IS NULL", [deviceId, kind])).rows[0];
      if (!open || open.raised_at > atMs) return undefined;
      const row = (await client.query<AlertRow>("UPDATE alerts SET cleared_at = $2 WHERE id = $1 RETURNING *", [open.id, atMs])).rows[0]!;
      await client.query(FAN_OUT, [open.id, "cleared", Date.now(), deviceId]);
      return toAlert(row);
    });
  }

  async openAlerts(deviceId?: number): Promise<Alert[]> {
    const r = deviceId === undefined
      ? await this.q<AlertRow>("SELECT * FROM alerts WHERE cleared_at IS NULL ORDER BY id")
      : await this.q<AlertRow>("SELECT * FROM alerts WHERE device_id = $1 AND cleared_at IS NULL ORDER BY id", [deviceId]);
    return r.rows.map(toAlert);
  }

  async alerts(deviceId: number, limit: number): Promise<Alert[]> {
    return (await this.q<AlertRow>("SELECT * FROM alerts WHERE device_id = $1 ORDER BY id DESC LIMIT $2", [deviceId, limit])).rows.map(toAlert);
  }

  async alert(id: number): Promise<Alert | undefined> {
    const r = (await this.q<AlertRow>("SELECT * FROM alerts WHERE id = $1", [id])).rows[0];
    return r && toAlert(r);
  }

  async acknowledge(id: number, atMs: number): Promise<boolean> {
    return (await this.q("UPDATE alerts SET acknowledged_at = $2 WHERE id = $1 AND acknowledged_at IS NULL", [id, atMs])).rowCount! > 0;
  }

  claimDeliveries(nowMs: number, leaseUntilMs: number, limit: number): Promise<Delivery[]> {
    return inTransaction(this.pool, async (client) => {
      // SKIP LOCKED: two processes' notifiers claiming at once take different deliveries.
      const rows = (await client.query<{ id: number; event: AlertEvent; attempts: number; alert_id: number; contact_id: number }>(
        `SELECT d.id, d.event, d.attempts, d.alert_id, d.contact_id FROM deliveries d
         WHERE ${DUE} AND d.next_at <= $1 ORDER BY d.next_at, d.id LIMIT $2 FOR UPDATE OF d SKIP LOCKED`,
        [nowMs, limit],
      )).rows;
      if (rows.length === 0) return [];
      await client.query("UPDATE deliveries SET next_at = $1 WHERE id = ANY($2::bigint[])", [leaseUntilMs, rows.map((r) => r.id)]);
      const out: Delivery[] = [];
      for (const r of rows) {
        const alert = toAlert((await client.query<AlertRow>("SELECT * FROM alerts WHERE id = $1", [r.alert_id])).rows[0]!);
        const c = (await client.query<ContactRow>("SELECT * FROM contacts WHERE id = $1", [r.contact_id])).rows[0]!;
        const name = (await client.query<{ name: string }>("SELECT name FROM devices WHERE id = $1", [alert.deviceId])).rows[0]?.name;
        out.push({ id: r.id, event: r.event, alert, contact: { ...toContact(c), secret: c.secret }, deviceName: name ?? `device ${alert.deviceId}`, attempts: r.attempts });
      }
      return out;
    });
  }

  async deliverySent(id: number, atMs: number): Promise<void> {
    await this.q("UPDATE deliveries SET state = 'sent', sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1 AND state = 'pending'", [id, atMs]);
  }

  async deliveryRetry(id: number, nextAtMs: number, error: string): Promise<void> {
    await this.q("UPDATE deliveries SET next_at = $2, attempts = attempts + 1, last_error = $3 WHERE id = $1 AND state = 'pending'", [id, nextAtMs, error.slice(0, 500)]);
  }

  async deliveryEnded(id: number, state: "failed" | "suppressed", error: string): Promise<void> {
    await this.q("UPDATE deliveries SET state = $2, attempts = attempts + 1, last_error = $3 WHERE id = $1 AND state = 'pending'", [id, state, error.slice(0, 500)]);
  }

  async nextDeliveryAt(): Promise<number | undefined> {
    return (await this.q<{ t: number | null }>(`SELECT min(d.next_at) AS t FROM deliveries d WHERE ${DUE}`)).rows[0]?.t ?? undefined;
  }

  async sentSince(contactId: number, sinceMs: number): Promise<number> {
    return (await this.q<{ n: number }>("SELECT count(*) AS n FROM deliveries WHERE contact_id = $1 AND state = 'sent' AND sent_at >= $2", [contactId, sinceMs])).rows[0]!.n;
  }

  async deliveries(alertId: number): Promise<DeliveryStatus[]> {
    return (await this.q<DeliveryRow>("SELECT * FROM deliveries WHERE alert_id = $1 ORDER BY id", [alertId])).rows.map(toDeliveryStatus);
  }
}
