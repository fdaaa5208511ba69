import { createHmac } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeBatch, SOS_CANCELLED, SOS_ON } from "@kayaktrack/firmware/wire";
import { startHttpReceiver, startSmtpServer } from "@kayaktrack/ingest/alert-receivers";
import { afterEach, describe, expect, it } from "vitest";
import { addDevice, removeTempDb, runCli, startServerProcess, tempDb, type ServerProcess } from "../server-process.ts";

const T0 = Math.floor(Date.now() / 1000) - 600;
const fix = (i: number) => ({ time: T0 + i * 10, lat: 59.9 + i * 1e-4, lon: 10.7, alt: 2, speed: 1.5, course: 90, hdop: 0.9, sats: 8 });

async function until(ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A tracker's compact batch, as the firmware sends it. */
const postBatch = (server: ServerProcess, device: { id: number; token: string }, seq: number, fixes: ReturnType<typeof fix>[], sos?: number) =>
  fetch(`${server.url}/api/v1/batches`, {
    method: "POST",
    headers: { "Content-Type": "application/vnd.kayaktrack.batch", Authorization: `Bearer ${device.token}` },
    body: encodeBatch({ device: device.id, seq, batteryVolts: 3.9, counters: [], ...(sos !== undefined && { sos }) }, fixes),
  });

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("kayaktrack alert", () => {
  it("adds contacts; a tracker's SOS reaches a webhook, an ntfy topic and a mailbox once each, and so does its cancel", async () => {
    const db = tempDb("kt-alert-");
    cleanups.push(() => removeTempDb(db));
    const [hook, ntfy, smtp] = await Promise.all([startHttpReceiver(), startHttpReceiver(), startSmtpServer()]);
    cleanups.push(hook.close, ntfy.close, smtp.close);
    const device = await addDevice(db, "Kari's kayak");
    const env = { KAYAKTRACK_SMTP_URL: smtp.url, KAYAKTRACK_MAIL_FROM: "alerts@kayak.example" };

    const added = await runCli(["alert", "contact", "add", "--device", String(device.id), "--webhook", `${hook.url}/kt`, "--name", "home", "--db", db]);
    expect(added.code, added.stderr).toBe(0);
    const secret = /Webhook secret .*:\n {2}(\S+)/.exec(added.stdout)![1]!;
    expect((await runCli(["alert", "contact", "add", "--device", String(device.id), "--email", "mum@example.org", "--db", db], env)).stdout).not.toContain("Note:");
    expect((await runCli(["alert", "contact", "add", "--device", String(device.id), "--ntfy", `${ntfy.url}/kari-kayak`, "--db", db])).code).toBe(0);
    const bad = await runCli(["alert", "contact", "add", "--device", String(device.id), "--webhook", "ftp://x", "--db", db]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining("--webhook must be an http:// or https:// URL")]);
    const list = await runCli(["alert", "contact", "list", "--device", String(device.id), "--db", db]);
    expect(list.stdout.trim().split("\n").map((l) => l.split("\t")[1])).toEqual(["webhook", "email", "ntfy"]);
    expect(list.stdout).not.toContain(secret);

    const server = await startServerProcess(db, env);
    cleanups.push(() => server.kill());
    expect((await postBatch(server, device, 1, [fix(0), fix(1)], SOS_ON)).status).toBe(200);
    await until(() => hook.received.length === 1 && ntfy.received.length === 1 && smtp.mails().length === 1);
    const raised = hook.received[0]!;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(raised.headers["x-kayaktrack-signature"] as string)!;
    expect(v1).toBe(createHmac("sha256", secret).update(`${t}.${raised.body}`).digest("hex"));
    expect(JSON.parse(raised.body)).toMatchObject({ type: "alert.raised", alert: { kind: "sos", device: { name: "Kari's kayak" }, position: { lat: 59.9001 } } });
    expect(JSON.parse(ntfy.received[0]!.body)).toMatchObject({ topic: "kari-kayak", title: "SOS from Kari's kayak", priority: 5 });
    expect(smtp.mails()[0]!.headers).toMatchObject({ from: "alerts@kayak.example", to: "mum@example.org", subject: "SOS from Kari's kayak" });

    const listed = await runCli(["alert", "list", "--device", String(device.id), "--db", db]);
    expect(listed.stdout).toMatch(/^1\tsos\traised \S+\tOPEN\t3 of 3 notifications sent\n$/);
    expect((await runCli(["alert", "ack", "1", "--db", db])).stdout).toBe("Alert 1 acknowledged.\n");

    expect((await postBatch(server, device, 2, [fix(2)], SOS_CANCELLED)).status).toBe(200);
    await until(() => hook.received.length === 2 && ntfy.received.length === 2 && smtp.mails().length === 2);
    expect(JSON.parse(hook.received[1]!.body)).toMatchObject({ type: "alert.cleared", title: "SOS cancelled: Kari's kayak" });
    expect(smtp.mails()[1]!.headers.subject).toBe("SOS cancelled: Kari's kayak");
    await new Promise((r) => setTimeout(r, 1000));
    expect([hook.received.length, ntfy.received.length, smtp.mails().length]).toEqual([2, 2, 2]);
  });

  it("delivers once, after a restart, an SOS whose server was SIGKILLed before its receiver took it", async () => {
    const db = tempDb("kt-alert-kill-");
    cleanups.push(() => removeTempDb(db));
    const hook = await startHttpReceiver();
    cleanups.push(hook.close);
    hook.answer(503);
    const device = await addDevice(db, "kayak");
    expect((await runCli(["alert", "contact", "add", "--device", String(device.id), "--webhook", hook.url, "--db", db])).code).toBe(0);
    const first = await startServerProcess(db);
    cleanups.push(() => first.kill());
    expect((await postBatch(first, device, 1, [fix(0)], SOS_ON)).status).toBe(200);
    await until(() => hook.received.length >= 1);
    await first.kill("SIGKILL");
    hook.answer(200);
    const second = await startServerProcess(db);
    cleanups.push(() => second.kill());
    // The first process's failed attempt set a retry about 10 s on; the new one sends it then.
    await until(() => hook.received.some((r) => r.status === 200), 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    const taken = hook.received.filter((r) => r.status === 200);
    expect(taken).toHaveLength(1);
    expect(new Set(hook.received.map((r) => r.headers["x-kayaktrack-delivery"])).size).toBe(1);
    expect((await runCli(["alert", "list", "--device", String(device.id), "--db", db])).stdout).toMatch(/\t1 of 1 notifications sent\n$/);
  }, 60_000);

  it("sets a device's rules and a trip plan from the command line, in words and as JSON", async () => {
    const db = tempDb("kt-alert-rules-");
    cleanups.push(() => removeTempDb(db));
    const device = await addDevice(db, "kayak");
    const d = String(device.id);
    const set = await runCli(["alert", "rules", "--device", d, "--overdue", "45m", "--still", "15m", "--area", "59.9,10.7,3000", "--db", db]);
    expect(set.stdout).toBe("overdue: no upload for 45 min while on the water\nplanned return: none\nstill on the water: within 50 m for 15 min\narea: leaving 3000 m around 59.9, 10.7\n");
    const off = await runCli(["alert", "rules", "--device", d, "--no-still", "--json", "--db", db]);
    expect(JSON.parse(off.stdout)).toMatchObject({ overdueMin: 45, stillMin: null, area: { circle: { radiusM: 3000 } } });
    const bad = await runCli(["alert", "rules", "--device", d, "--still", "90s", "--db", db]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining("--still 90s: whole minutes")]);
    const gpx = join(tmpdir(), `kt-route-${process.pid}.gpx`);
    writeFileSync(gpx, '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><rte><rtept lat="59.9" lon="10.7"/><rtept lat="59.95" lon="10.75"/></rte></gpx>');
    cleanups.push(() => rmSync(gpx, { force: true }));
    const plan = await runCli(["trip", "plan", "--device", d, "--return", "2099-07-01T18:00:00Z", "--route", gpx, "--db", db]);
    expect([plan.code, plan.stdout]).toEqual([0, expect.stringMatching(/^Device \d+: overdue if not back ashore by .*2099.*; route of 2 points\.\n$/)]);
    const rules = JSON.parse((await runCli(["alert", "rules", "--device", d, "--json", "--db", db])).stdout);
    expect(rules).toMatchObject({ returnBy: Date.parse("2099-07-01T18:00:00Z"), route: [[10.7, 59.9], [10.75, 59.95]], overdueMin: 45 });
    const past = await runCli(["trip", "plan", "--device", d, "--return", "2001-01-01T00:00:00Z", "--db", db]);
    expect(past.stderr).toContain("that time has passed");
  });
});
