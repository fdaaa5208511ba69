import { alertToJson, checkContact, contactToJson, type ContactKind } from "@kayaktrack/ingest";
import { positiveId } from "../positive-id.ts";
import { withStore } from "../with-store.ts";

export interface ContactAddOptions {
  device: string;
  webhook?: string;
  email?: string;
  ntfy?: string;
  name?: string;
  json?: boolean;
  db?: string;
}

const id = positiveId;

/** `kayaktrack alert contact add --device ID --webhook URL | --email ADDRESS | --ntfy TOPIC_URL [--name NAME]` */
export async function contactAdd(o: ContactAddOptions): Promise<void> {
  const deviceId = id("--device", o.device);
  const given = (["webhook", "email", "ntfy"] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1) throw new Error("give one of --webhook URL, --email ADDRESS or --ntfy TOPIC_URL");
  const kind: ContactKind = given[0]!;
  const target = o[kind]!.trim();
  const bad = checkContact(kind, target, o.name);
  if (bad) throw new Error(bad.replace("'target'", `--${kind}`).replace("'name'", "--name"));
  const contact = await withStore(o.db, async (store) => {
    if (!await store.getDevice(deviceId)) throw new Error(`no device ${deviceId}`);
    return await store.alerts.addContact({ deviceId, kind, target, name: o.name ?? null });
  });
  if (o.json) {
    process.stdout.write(JSON.stringify({ ...contactToJson(contact), ...(contact.secret && { secret: contact.secret }) }) + "\n");
    return;
  }
  process.stdout.write(`Contact ${contact.id} of device ${deviceId}: ${kind} ${target}\n`);
  if (contact.secret) {
    process.stdout.write(`Webhook secret (shown only this once; the receiver checks X-Kayaktrack-Signature with it):\n  ${contact.secret}\n`);
  }
  if (kind === "email" && !process.env.KAYAKTRACK_SMTP_URL) {
    process.stdout.write("Note: the server sends e-mail only when it runs with KAYAKTRACK_SMTP_URL (and KAYAKTRACK_MAIL_FROM).\n");
  }
}

/** `kayaktrack alert contact list --device ID [--json]` (never shows a webhook's secret) */
export async function contactList(o: { device: string; json?: boolean; db?: string }): Promise<void> {
  const deviceId = id("--device", o.device);
  const contacts = (await withStore(o.db, (store) => store.alerts.contacts(deviceId))).map(contactToJson);
  if (o.json) {
    process.stdout.write(JSON.stringify(contacts) + "\n");
    return;
  }
  if (contacts.length === 0) process.stdout.write(`Device ${deviceId} has no contacts: nobody hears of its alerts.\n`);
  for (const c of contacts) process.stdout.write(`${c.id}\t${c.kind}\t${c.target}${c.name ? `\t${c.name}` : ""}\n`);
}

/** `kayaktrack alert contact remove ID` */
export async function contactRemove(contactId: string, o: { db?: string }): Promise<void> {
  const n = id("contact id", contactId);
  if (!await withStore(o.db, async (store) => await store.alerts.removeContact(n))) throw new Error(`no contact ${n}`);
  process.stdout.write(`Contact ${n} removed.\n`);
}

/** `kayaktrack alert list --device ID [--json]`: the device's alerts, newest first, with what was sent. */
export async function alertList(o: { device: string; json?: boolean; db?: string }): Promise<void> {
  const deviceId = id("--device", o.device);
  const alerts = await withStore(o.db, async (store) =>
    Promise.all((await store.alerts.alerts(deviceId, 100)).map(async (a) => ({ ...alertToJson(a), deliveries: await store.alerts.deliveries(a.id) }))),
  );
  if (o.json) {
    process.stdout.write(JSON.stringify(alerts) + "\n");
    return;
  }
  if (alerts.length === 0) process.stdout.write(`No alerts for device ${deviceId}.\n`);
  for (const a of alerts) {
    const state = a.clearedAt ? `cleared ${a.clearedAt}` : a.acknowledgedAt ? `OPEN, acknowledged ${a.acknowledgedAt}` : "OPEN";
    const sent = a.deliveries.filter((d) => d.state === "sent").length;
    process.stdout.write(`${a.id}\t${a.kind}\traised ${a.raisedAt}\t${state}\t${sent} of ${a.deliveries.length} notifications sent\n`);
  }
}

/** `kayaktrack alert ack ID`: someone is on it (the map shows it). */
export async function alertAck(alertId: string, o: { db?: string }): Promise<void> {
  const n = id("alert id", alertId);
  const ok = await withStore(o.db, async (store) => {
    if (!await store.alerts.alert(n)) throw new Error(`no alert ${n}`);
    return await store.alerts.acknowledge(n, Date.now());
  });
  process.stdout.write(ok ? `Alert ${n} acknowledged.\n` : `Alert ${n} was acknowledged already.\n`);
}

/** `kayaktrack alert clear ID`: all is well; the contacts hear so (the running server sends it within seconds). */
export async function alertClear(alertId: string, o: { db?: string }): Promise<void> {
  const n = id("alert id", alertId);
  const cleared = await withStore(o.db, async (store) => {
    const a = await store.alerts.alert(n);
    if (!a) throw new Error(`no alert ${n}`);
    return a.clearedAt === null ? await store.alerts.clear(a.deviceId, a.kind, Math.max(Date.now(), a.raisedAt)) : undefined;
  });
  process.stdout.write(cleared ? `Alert ${n} cleared; its contacts will be told.\n` : `Alert ${n} was cleared already.\n`);
}
