import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_MEDIA_TYPE, encodeBatch } from "@kayaktrack/firmware/wire";
import { ADMIN, startServerProcess, tempDb, type ServerProcess } from "@kayaktrack/tools/server-process";

// The endpoints server.test.ts leaves to the app.request() tests, over HTTP against a
// real `kayaktrack serve` process: the firmware's batch format, sanity rejects, live
// resume, device administration, trips, exports, imports and share links.
describe("kayaktrack serve, as a real process: the rest of the API", () => {
  let server: ServerProcess;
  const T0 = Math.floor(Date.now() / 1000) - 7200;
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const post = (path: string, body: BodyInit, headers: Record<string, string>) => fetch(server.url + path, { method: "POST", headers, body });
  const json = { "Content-Type": "application/json" };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  /** A new device through the admin API. */
  const addDevice = async (name: string): Promise<{ id: number; token: string }> => {
    const res = await post("/api/v1/admin/devices", JSON.stringify({ name }), { ...json, ...admin });
    expect(res.status).toBe(201);
    return res.json();
  };

  beforeAll(async () => {
    server = await startServerProcess(tempDb());
  });
  afterAll(async () => {
    await server?.kill("SIGKILL");
  });

  it("takes the firmware's compact batches: the short acknowledgement, a resend stores nothing, a damaged one is refused", async () => {
    const dev = await addDevice("compact");
    const fixes = Array.from({ length: 10 }, (_, i) => ({ time: T0 + i * 5, lat: 59.9 + i * 2e-4, lon: 10.7, alt: 3, speed: 1.8, course: 90, hdop: 0.8, sats: 9 }));
    const bytes = Buffer.from(encodeBatch({ device: dev.id, seq: 1, batteryVolts: 3.88, counters: [] }, fixes));
    const headers = { "Content-Type": BATCH_MEDIA_TYPE, ...bearer(dev.token) };
    const first = await post("/api/v1/batches", bytes, headers);
    expect(first.status).toBe(200);
    expect(await first.text()).toMatch(/^A 1 10 0 0\b/);
    expect(await (await post("/api/v1/batches", bytes, headers)).text()).toMatch(/^A 1 10 0 0\b/);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 5] = damaged[damaged.length - 5]! ^ 0x10;
    const refused = await post("/api/v1/batches", damaged, headers);
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toBe("malformed batch");
    const stored = await (await fetch(`${server.url}/api/v1/devices/${dev.id}/fixes`, { headers: admin })).json();
    expect(stored.features).toHaveLength(10);
  });

  it("stores the sane fixes of a batch, and counts the others by reason in /metrics", async () => {
    const dev = await addDevice("insane");
    const fixes = [{ time: T0, lat: 59.9, lon: 10.7 }, { time: T0 + 1, lat: 91, lon: 10.7 }, { time: 946684799, lat: 59.9, lon: 10.7 }];
    const res = await post("/api/v1/batches", JSON.stringify({ device: dev.id, seq: 1, fixes }), { ...json, ...bearer(dev.token) });
    expect(await res.json()).toEqual({ seq: 1, stored: 1, duplicates: 0, rejected: 2 });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/kayaktrack_fixes_rejected_total\{reason="lat"\} [1-9]/);
    expect(metrics).toMatch(/kayaktrack_fixes_rejected_total\{reason="time"\} [1-9]/);
  });

  it("resumes a live stream after Last-Event-ID with the fixes stored meanwhile, none twice", async () => {
    const dev = await addDevice("resume");
    const send = (seq: number, times: number[]) =>
      post("/api/v1/batches", JSON.stringify({ device: dev.id, seq, fixes: times.map((t) => ({ time: t, lat: 59.9, lon: 10.7 })) }), { ...json, ...bearer(dev.token) });
    await send(1, [T0]);
    const first = await (await fetch(`${server.url}/api/v1/devices/${dev.id}/fixes`, { headers: admin })).json();
    const firstId = first.features[0].id as number;
    await send(2, [T0 + 1, T0 + 2]);
    const ctrl = new AbortController();
    const res = await fetch(`${server.url}/api/v1/live?device=${dev.id}`, { headers: { ...admin, "Last-Event-ID": String(firstId) }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    // Fix events only (the stream also says when it is ready).
    const times = () => [...text.matchAll(/^event: fix\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!).time as number);
    const readUntil = async (n: number) => {
      while (times().length < n) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended after: ${text}`);
        text += value;
      }
    };
    await readUntil(2);
    await send(3, [T0 + 3]);
    await readUntil(3);
    ctrl.abort();
    expect(times()).toEqual([T0 + 1, T0 + 2, T0 + 3]);
  });

  it("adds, lists and revokes devices over HTTP; a revoked token gets 401", async () => {
    const dev = await addDevice("revoked");
    const { devices } = await (await fetch(`${server.url}/api/v1/devices`, { headers: admin })).json();
    expect(devices.map((d: { name: string }) => d.name)).toContain("revoked");
    const del = await fetch(`${server.url}/api/v1/admin/devices/${dev.id}`, { method: "DELETE", headers: admin });
    expect(await del.json()).toEqual({ id: dev.id, revoked: true });
    const after = await post("/api/v1/batches", JSON.stringify({ device: dev.id, seq: 1, fixes: [] }), { ...json, ...bearer(dev.token) });
    expect(after.status).toBe(401);
  });

  it("splits a trip, exports it as GPX, imports the export into another device, and shares it without a login", async () => {
    const dev = await addDevice("paddler");
    // 20 minutes heading east at about 2 m/s, a fix every 10 s: one trip.
    const fixes = Array.from({ length: 120 }, (_, i) => ({ time: T0 + i * 10, lat: 59.9, lon: 10.7 + i * 3.6e-4, speed: 2, course: 90 }));
    expect((await post("/api/v1/batches", JSON.stringify({ device: dev.id, seq: 1, fixes }), { ...json, ...bearer(dev.token) })).status).toBe(200);
    const { trips } = await (await fetch(`${server.url}/api/v1/devices/${dev.id}/trips`, { headers: admin })).json();
    expect(trips).toHaveLength(1);
    expect(trips[0]).toMatchObject({ fixes: 120 });
    expect(trips[0].distanceM).toBeGreaterThan(2000);

    const gpx = await fetch(`${server.url}/api/v1/trips/${trips[0].id}.gpx`, { headers: admin });
    expect(gpx.headers.get("content-type")).toMatch(/gpx/);
    const text = await gpx.text();
    expect(text.match(/<trkpt /g)).toHaveLength(120);

    const copy = await addDevice("copy");
    const imported = await post(`/api/v1/devices/${copy.id}/imports?name=trip.gpx`, text, admin);
    expect(await imported.json()).toMatchObject({ format: "gpx", stored: 120, rejected: 0 });

    const share = await post("/api/v1/admin/shares", JSON.stringify({ trip: trips[0].id }), { ...json, ...admin });
    expect(share.status).toBe(201);
    const { token } = await share.json();
    const view = await fetch(`${server.url}/api/v1/shares/${token}`);
    expect(view.status).toBe(200);
    expect((await view.json()).trip).toMatchObject({ id: trips[0].id, fixes: 120 });
    expect((await fetch(`${server.url}/s/${token}`)).status).toBe(200);
  });
});
