import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { ADMIN, addDevice, startServerProcess, tempDb, type ServerProcess } from "@kayaktrack/tools/server-process";

// Every endpoint and error class, over HTTP against a real `kayaktrack serve` process.
describe("kayaktrack serve, as a real process", () => {
  const db = tempDb();
  let server: ServerProcess;
  let dev: { id: number; token: string };
  const T0 = Math.floor(Date.now() / 1000) - 3600;
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const json = (body: unknown, headers: Record<string, string> = {}) => ({
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

  beforeAll(async () => {
    dev = await addDevice(db, "kayak");
    server = await startServerProcess(db, { KAYAKTRACK_RATE_PER_SEC: "5", KAYAKTRACK_BURST: "5" });
  });
  afterAll(async () => {
    await server?.kill("SIGKILL");
  });

  it("serves /healthz and /metrics", async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain("kayaktrack_fixes_stored_total");
  });

  it("takes all four ways in, idempotently", async () => {
    const bearer = { Authorization: `Bearer ${dev.token}` };
    const batch = json({ device: dev.id, seq: 1, fixes: [{ time: T0, lat: 59.9, lon: 10.7 }] }, bearer);
    const first = await (await fetch(`${server.url}/api/v1/batches`, batch)).json();
    expect(await (await fetch(`${server.url}/api/v1/batches`, batch)).json()).toEqual(first);
    expect(first).toEqual({ seq: 1, stored: 1, duplicates: 0, rejected: 0 });

    const osmand = await fetch(`${server.url}/api/v1/osmand?id=${dev.id}&token=${dev.token}&lat=59.91&lon=10.71&timestamp=${T0 + 1}&speed=1`, { method: "POST" });
    expect(osmand.status).toBe(200);

    const basic = { Authorization: "Basic " + Buffer.from(`${dev.id}:${dev.token}`).toString("base64") };
    const ot = await fetch(`${server.url}/api/v1/owntracks`, json({ _type: "location", lat: 59.92, lon: 10.72, tst: T0 + 2 }, basic));
    expect(await ot.json()).toEqual([]);

    const feature = { type: "Feature", geometry: { type: "Point", coordinates: [10.73, 59.93] }, properties: { timestamp: new Date((T0 + 3) * 1000).toISOString() } };
    const ol = await fetch(`${server.url}/api/v1/overland`, json({ locations: [feature, feature] }, bearer));
    expect(await ol.json()).toEqual({ result: "ok" });

    const fc = await (await fetch(`${server.url}/api/v1/devices/${dev.id}/fixes`, { headers: admin })).json();
    expect(fc.features.map((f: { properties: { source: string } }) => f.properties.source)).toEqual(["batch", "osmand", "owntracks", "overland"]);
    const { devices } = await (await fetch(`${server.url}/api/v1/devices`, { headers: admin })).json();
    expect(devices[0].latest.time).toBe(T0 + 3);
  });

  it("answers every error class with JSON {error, detail} and the right status", async () => {
    const bearer = { Authorization: `Bearer ${dev.token}` };
    const cases: Array<[string, RequestInit, number]> = [
      ["/api/v1/batches", json("{broken", bearer), 400],
      ["/api/v1/batches", json({ device: dev.id, seq: 1, fixes: [] }, { Authorization: "Bearer nope" }), 401],
      ["/api/v1/batches", { method: "POST", headers: { ...bearer, "Content-Type": "text/csv" }, body: "a,b" }, 415],
      ["/api/v1/devices", {}, 401],
      ["/api/v1/devices/1/fixes?from=soon", { headers: admin }, 400],
      ["/api/v1/admin/devices/12345", { method: "DELETE", headers: admin }, 404],
    ];
    for (const [path, init, status] of cases) {
      const res = await fetch(server.url + path, init);
      expect(res.status, path).toBe(status);
      const body = await res.json();
      expect(body.error).toBeTypeOf("string");
      expect(body.detail).toBeTypeOf("string");
    }
  });

  it("answers a body over the limit with 413 before reading it all", async () => {
    // The server answers as soon as Content-Length says too much, then closes: fetch() would
    // report the closed upload instead of the reply, so this uses node:http, which reads it.
    const body = JSON.stringify({ device: dev.id, seq: 2, fixes: [], pad: "x".repeat(1_100_000) });
    const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${server.url}/api/v1/batches`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Authorization: `Bearer ${dev.token}` },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, text }));
      });
      req.on("error", (e) => (String(e).includes("EPIPE") || String(e).includes("ECONNRESET") ? undefined : reject(e)));
      req.end(body);
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.text).error).toBe("payload too large");
  });

  it("answers 429 with Retry-After past a device's rate", async () => {
    const other = await (await fetch(`${server.url}/api/v1/admin/devices`, json({ name: "fast" }, admin))).json();
    const statuses: number[] = [];
    let retry: string | null = null;
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${server.url}/api/v1/osmand?id=${other.id}&token=${other.token}&lat=1&lon=1&timestamp=${T0 + i}`, { method: "POST" });
      statuses.push(res.status);
      retry ??= res.headers.get("retry-after");
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retry)).toBeGreaterThanOrEqual(1);
  });

  it("streams live fixes over SSE", async () => {
    // A device of its own: the others have used up this server's small rate limit.
    const live = await (await fetch(`${server.url}/api/v1/admin/devices`, json({ name: "live" }, admin))).json();
    const ctrl = new AbortController();
    const res = await fetch(`${server.url}/api/v1/live?device=${live.id}`, { headers: admin, signal: ctrl.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const post = await fetch(`${server.url}/api/v1/osmand?id=${live.id}&token=${live.token}&lat=59.95&lon=10.75&timestamp=${T0 + 100}`, { method: "POST" });
    expect(post.status).toBe(200);
    let text = "";
    while (!text.includes("event: fix")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).toMatch(/id: \d+/);
    ctrl.abort();
  });

  it("shuts down gracefully on SIGTERM: exit 0, live streams ended, database closed", async () => {
    const own = await startServerProcess(db);
    const res = await fetch(`${own.url}/api/v1/live`, { headers: admin });
    const body = res.text(); // ends when the server ends the stream
    const exit = await own.kill("SIGTERM");
    expect(exit.code).toBe(0);
    await body;
    expect(own.logs.some((l) => l.msg === "stopped")).toBe(true);
    // better-sqlite3 checkpoints and removes the WAL on a clean close (if no other process holds it).
    await server.kill("SIGTERM");
    expect(existsSync(db + "-wal")).toBe(false);
  });
});
