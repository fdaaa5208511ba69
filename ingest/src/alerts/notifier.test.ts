import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../store/sqlite/sqlite-store.ts";
import type { NewAlert } from "./alert.ts";
import { emailChannel } from "./channels/email.ts";
import { ntfyChannel } from "./channels/ntfy.ts";
import { webhookChannel, webhookSignature } from "./channels/webhook.ts";
import { Notifier, type NotifierOptions } from "./notifier.ts";
import { freePort, startHttpReceiver, startSmtpServer } from "./testing/receivers.ts";

const T = Date.UTC(2026, 6, 1, 14, 32);
const log = pino({ level: "silent" });

/** Waits until `ok()` holds, polling. */
async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(over: Partial<NotifierOptions> = {}, store: SqliteStore = openSqliteStore(":memory:")) {
  const device = store.getDevice(1) ?? store.addDevice("Åse's kayak").device;
  const notifier = new Notifier({ alerts: store.alerts, channels: { webhook: webhookChannel(), ntfy: ntfyChannel() }, log, backoffMs: 20, maxBackoffMs: 100, pollMs: 50, ...over });
  cleanups.push(() => notifier.close());
  const sos = (atMs = T, extra: Partial<NewAlert> = {}): NewAlert => ({
    deviceId: device.id, kind: "sos", source: "tracker", atMs, lat: 59.91234, lon: 10.74567, fixTime: atMs / 1000, detail: null, ...extra,
  });
  return { store, device, notifier, sos };
}

describe("Notifier", () => {
  it("sends a raised SOS once to a webhook, signed with the contact's secret, then its cancel once", async () => {
    const hook = await startHttpReceiver();
    cleanups.push(hook.close);
    const { store, device, notifier, sos } = setup();
    const contact = store.alerts.addContact({ deviceId: device.id, kind: "webhook", target: `${hook.url}/hook`, name: null });
    const alert = store.alerts.raise(sos())!;
    notifier.start();
    await until(() => hook.received.length === 1);
    store.alerts.clear(device.id, "sos", T + 60_000);
    notifier.wake();
    await until(() => hook.received.length === 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(hook.received).toHaveLength(2);

    const [raised, cleared] = hook.received;
    expect(raised!.path).toBe("/hook");
    expect(raised!.headers["content-type"]).toBe("application/json");
    const t = /^t=(\d+),v1=[0-9a-f]{64}$/.exec(raised!.headers["x-kayaktrack-signature"] as string)![1]!;
    expect(raised!.headers["x-kayaktrack-signature"]).toBe(webhookSignature(contact.secret!, Number(t), raised!.body));
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(10);
    const body = JSON.parse(raised!.body);
    expect(body).toMatchObject({
      type: "alert.raised",
      alert: { id: alert.id, kind: "sos", device: { id: device.id, name: "Åse's kayak" }, raisedAt: "2026-07-01T14:32:00.000Z", clearedAt: null, position: { lat: 59.91234, lon: 10.74567 } },
      title: "SOS from Åse's kayak",
    });
    expect(body.text).toContain("https://www.openstreetmap.org/?mlat=59.91234&mlon=10.74567");
    expect(raised!.headers["x-kayaktrack-delivery"]).toBe(String(body.delivery));
    expect(JSON.parse(cleared!.body)).toMatchObject({ type: "alert.cleared", title: "SOS cancelled: Åse's kayak", alert: { clearedAt: "2026-07-01T14:33:00.000Z" } });
    expect(store.alerts.deliveries(alert.id).map((d) => [d.event, d.state, d.attempts])).toEqual([["raised", "sent", 1], ["cleared", "sent", 1]]);
  });

  it("retries with backoff while the receiver is down, and delivers once when it is back", async () => {
    const hook = await startHttpReceiver();
    cleanups.push(hook.close);
    hook.answer(503);
    const { store, device, notifier, sos } = setup();
    store.alerts.addContact({ deviceId: device.id, kind: "webhook", target: hook.url, name: null });
    const alert = store.alerts.raise(sos())!;
    notifier.start();
    await until(() => hook.received.length >= 3);
    expect(store.alerts.deliveries(alert.id)[0]).toMatchObject({ state: "pending", lastError: expect.stringContaining("503") });
    hook.answer(200);
    await until(() => store.alerts.deliveries(alert.id)[0]!.state === "sent");
    const tries = hook.received.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(hook.received).toHaveLength(tries);
    expect(store.alerts.deliveries(alert.id)[0]!.attempts).toBe(tries);
    // Every attempt is the same delivery: a receiver can tell a resend.
    expect(new Set(hook.received.map((r) => r.headers["x-kayaktrack-delivery"])).size).toBe(1);
  });

  it("retries when nothing listens, and gives up at once on a refusal for good (404)", async () => {
    const hook = await startHttpReceiver();
    cleanups.push(hook.close);
    hook.answer(404);
    const { store, device, notifier, sos } = setup();
    store.alerts.addContact({ deviceId: device.id, kind: "webhook", target: `${hook.url}/gone`, name: null });
    store.alerts.addContact({ deviceId: device.id, kind: "webhook", target: `http://127.0.0.1:${await freePort()}/nobody`, name: null });
    const alert = store.alerts.raise(sos())!;
    notifier.start();
    await until(() => store.alerts.deliveries(alert.id)[0]!.state === "failed" && store.alerts.deliveries(alert.id)[1]!.attempts >= 2);
    const [refused, unreachable] = store.alerts.deliveries(alert.id);
    expect(refused).toMatchObject({ state: "failed", attempts: 1, lastError: expect.stringContaining("404") });
    expect(unreachable).toMatchObject({ state: "pending", lastError: expect.stringContaining("ECONNREFUSED") });
    expect(hook.received).toHaveLength(1);
  });

  it("gives a flapping rule's contact at most perContactPerHour notifications, but never holds back an SOS", async () => {
    const hook = await startHttpReceiver();
    cleanups.push(hook.close);
    const { store, device, notifier, sos } = setup({ perContactPerHour: 2 });
    store.alerts.addContact({ deviceId: device.id, kind: "webhook", target: hook.url, name: null });
    const still = store.alerts.raise(sos(T, { kind: "still", source: "rule" }))!;
    store.alerts.clear(device.id, "still", T + 1);
    const again = store.alerts.raise(sos(T + 2, { kind: "still", source: "rule" }))!;
    store.alerts.clear(device.id, "still", T + 3);
    const alarm = store.alerts.raise(sos(T + 4))!;
    notifier.start();
    await until(() => store.alerts.deliveries(again.id).every((d) => d.state !== "pending") && store.alerts.deliveries(alarm.id)[0]!.state !== "pending");
    const states = [...store.alerts.deliveries(still.id), ...store.alerts.deliveries(again.id)].map((d) => d.state);
    // A contact's deliveries go one after the other, so the count holds within one round too.
    expect(states.filter((s) => s === "sent")).toHaveLength(2);
    expect(states.filter((s) => s === "suppressed")).toHaveLength(2);
    expect(store.alerts.deliveries(alarm.id)[0]!.state).toBe("sent");
  });

  it("sends after a restart what the stopped process committed but never sent, and what it held when killed", async () => {
    const hook = await startHttpReceiver();
    cleanups.push(hook.close);
    const dir = mkdtempSync(join(tmpdir(), "kt-notify-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "kt.db");
    const first = openSqliteStore(path);
    const device = first.addDevice("kayak").device;
    first.alerts.addContact({ deviceId: device.id, kind: "webhook", target: hook.url, name: null });
    const a2 = first.alerts.raise({ deviceId: device.id, kind: "overdue", source: "rule", atMs: T, lat: null, lon: null, fixTime: null, detail: "no upload for 45 min" })!;
    // The killed process had taken a2's delivery (its lease runs a minute) but never sent it,
    const taken = first.alerts.claimDeliveries(Date.now(), Date.now() + 60_000, 10);
    expect(taken.map((d) => d.alert.id)).toEqual([a2.id]);
    // and had committed an SOS it did not get to.
    const a1 = first.alerts.raise({ deviceId: device.id, kind: "sos", source: "tracker", atMs: T, lat: 1, lon: 2, fixTime: null, detail: null })!;
    first.close();

    const store = openSqliteStore(path);
    cleanups.push(() => store.close());
    let now = Date.now();
    const { notifier } = setup({ now: () => now }, store);
    notifier.start();
    await until(() => hook.received.length === 1);
    expect(JSON.parse(hook.received[0]!.body).alert.id).toBe(a1.id);
    now += 61_000;
    notifier.wake();
    await until(() => hook.received.length === 2);
    expect(JSON.parse(hook.received[1]!.body)).toMatchObject({ alert: { id: a2.id, kind: "overdue", position: null, detail: "no upload for 45 min" }, title: "kayak is overdue" });
  });

  it("publishes to ntfy as JSON to the server's root, the topic in the body (titles in any script), with the URL's credentials", async () => {
    const ntfy = await startHttpReceiver();
    cleanups.push(ntfy.close);
    const { store, device, notifier, sos } = setup();
    store.alerts.addContact({ deviceId: device.id, kind: "ntfy", target: ntfy.url.replace("//", "//kari:s%C3%A6cret@") + "/prefix/kari-kayak", name: null });
    store.alerts.raise(sos());
    store.alerts.raise(sos(T, { kind: "still", source: "rule", detail: "within 50 m for 20 min" }));
    notifier.start();
    await until(() => ntfy.received.length === 2);
    const bodies = ntfy.received.map((r) => JSON.parse(r.body));
    expect(ntfy.received.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ["POST", "/prefix/", `Basic ${Buffer.from("kari:sæcret").toString("base64")}`],
      ["POST", "/prefix/", `Basic ${Buffer.from("kari:sæcret").toString("base64")}`],
    ]);
    expect(bodies[0]).toMatchObject({ topic: "kari-kayak", title: "SOS from Åse's kayak", priority: 5, tags: ["sos"] });
    expect(bodies[1]).toMatchObject({ title: "Åse's kayak has not moved", priority: 4, tags: ["warning"] });
    expect(bodies[1].message).toContain("within 50 m for 20 min");
  });

  it("e-mails a contact through a real SMTP server (aiosmtpd), once per event, with the delivery's Message-ID", async () => {
    const smtp = await startSmtpServer();
    cleanups.push(smtp.close);
    const email = emailChannel({ smtpUrl: smtp.url, from: "alerts@kayaktrack.example" });
    cleanups.push(() => email.close());
    const { store, device, notifier, sos } = setup({ channels: { email } });
    store.alerts.addContact({ deviceId: device.id, kind: "email", target: "mum@example.org", name: "Mum" });
    const alert = store.alerts.raise(sos())!;
    notifier.start();
    await until(() => smtp.mails().length === 1, 10_000);
    store.alerts.clear(device.id, "sos", T + 5 * 60_000);
    notifier.wake();
    await until(() => smtp.mails().length === 2, 10_000);
    const [raised, cleared] = smtp.mails();
    expect(raised!.headers).toMatchObject({ from: "alerts@kayaktrack.example", to: "mum@example.org", "x-rcptto": "mum@example.org", "x-priority": "1 (Highest)" });
    // A subject with letters outside ASCII is MIME-encoded (RFC 2047).
    expect(raised!.headers.subject).toMatch(/^=\?UTF-8\?/);
    expect(raised!.headers["message-id"]).toMatch(new RegExp(`^<delivery-\\d+\\.alert-${alert.id}@`));
    expect(raised!.body).toContain("59.91234, 10.74567");
    expect(cleared!.headers["message-id"]).not.toBe(raised!.headers["message-id"]);
    expect(store.alerts.deliveries(alert.id).map((d) => d.state)).toEqual(["sent", "sent"]);
  });

  it("retries e-mail while the SMTP server is down", async () => {
    const email = emailChannel({ smtpUrl: "smtp://127.0.0.1:1" });
    cleanups.push(() => email.close());
    const { store, device, notifier, sos } = setup({ channels: { email } });
    store.alerts.addContact({ deviceId: device.id, kind: "email", target: "mum@example.org", name: null });
    const alert = store.alerts.raise(sos())!;
    notifier.start();
    await until(() => store.alerts.deliveries(alert.id)[0]!.attempts >= 2);
    expect(store.alerts.deliveries(alert.id)[0]).toMatchObject({ state: "pending", lastError: expect.stringMatching(/^SMTP: .*ECONNREFUSED/) });
  });
});
