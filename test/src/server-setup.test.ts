import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { ADMIN, CLI, REPO, addDevice, runCli, serverNodeArgs, startServerProcess, tempDb } from "@kayaktrack/tools/server-process";

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** `kayaktrack serve` configured by the environment alone (no --port, no --db, no admin token); resolves once it listens. */
async function serveFromEnv(env: Record<string, string>) {
  const child = spawn(process.execPath, [...serverNodeArgs(), CLI, "serve", "--host", "127.0.0.1"], {
    env: { ...process.env, KAYAKTRACK_ADMIN_TOKEN: "", ...env },
    cwd: REPO,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    void exited.then(() => reject(new Error(`server exited at start: ${stderr}`)));
    child.stderr!.on("data", (d) => {
      stderr += d;
      if (/listening on http/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    stderr: () => stderr,
    stop: () => (child.kill("SIGTERM"), exited),
  };
}

/** Every text and blob cell of every table, as text: where a secret must not be. */
function everyCell(db: string): string {
  const conn = new Database(db, { readonly: true });
  try {
    const tables = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[];
    const cells: string[] = [];
    for (const t of tables) {
      for (const row of conn.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][]) {
        for (const v of row) if (typeof v === "string" || Buffer.isBuffer(v)) cells.push(Buffer.from(v as string).toString("latin1"));
      }
    }
    return cells.join("\n");
  } finally {
    conn.close();
  }
}

// Set-up and operations of a real `kayaktrack serve` process, beside server.test.ts (endpoints and errors).
describe("kayaktrack serve, as a real process: set-up and operations", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("takes PORT and KAYAKTRACK_DB, makes the data directory, prints a generated admin token once and stores only hashes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-setup-"));
    dirs.push(dir);
    const db = join(dir, "not", "yet", "kayaktrack.db");
    const port = await freePort();
    const env = { PORT: String(port), KAYAKTRACK_DB: db };
    const url = `http://127.0.0.1:${port}`;

    const first = await serveFromEnv(env);
    const token = /Generated the admin token[^\n]*\n\n {2}(\S+)/.exec(first.stderr())?.[1];
    expect(token, first.stderr()).toMatch(/^[A-Za-z0-9_-]{32}$/); // 24 random bytes, base64url
    expect(existsSync(db)).toBe(true);
    const read = (t: string) => fetch(`${url}/api/v1/devices`, { headers: { Authorization: `Bearer ${t}` } });
    expect((await read(token!)).status).toBe(200);
    expect((await read(token!.slice(1))).status).toBe(401);
    const device = await addDevice(db, "kayak");
    expect(await first.stop()).toBe(0);

    // A second start prints no token, and the first still works.
    const second = await serveFromEnv(env);
    try {
      expect(second.stderr()).not.toContain("Generated the admin token");
      expect((await read(token!)).status).toBe(200);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    const cells = everyCell(db);
    expect(cells).not.toContain(token);
    expect(cells).not.toContain(device.token);
  });

  it("logs each request as a JSON line carrying the request id the reply names", async () => {
    const server = await startServerProcess(tempDb(), { LOG_LEVEL: "info" });
    try {
      const res = await fetch(`${server.url}/healthz`);
      const id = res.headers.get("x-request-id");
      expect(id).toBeTruthy();
      await expect.poll(() => server.logs.find((l) => l.reqId === id)).toMatchObject({ msg: "request", method: "GET", path: "/healthz", status: 200 });
    } finally {
      await server.kill("SIGKILL");
    }
  });

  it("on SIGTERM finishes a request under way: it is answered 200, its fixes are stored, the process exits 0", async () => {
    const db = tempDb();
    const dev = await addDevice(db, "late");
    const server = await startServerProcess(db);
    const T0 = Math.floor(Date.now() / 1000) - 600;
    const body = JSON.stringify({ device: dev.id, seq: 1, fixes: Array.from({ length: 50 }, (_, i) => ({ time: T0 + i, lat: 59.9, lon: 10.7 })) });
    const half = body.length >> 1;
    const req = request(`${server.url}/api/v1/batches`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Authorization: `Bearer ${dev.token}` },
    });
    const reply = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on("response", (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, text }));
      });
      req.on("error", reject);
    });
    // Half the body, then SIGTERM while the server waits for the rest.
    req.write(body.slice(0, half));
    await new Promise((r) => setTimeout(r, 300));
    const exit = server.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    req.end(body.slice(half));
    const r = await reply;
    expect(r.status, r.text).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ seq: 1, stored: 50, duplicates: 0, rejected: 0 });
    expect((await exit).code).toBe(0);
    const listed = await runCli(["export", "--db", db, "--device", String(dev.id), "--format", "csv"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split("\n")).toHaveLength(51); // the header and 50 fixes
  });
});

// A live client that never reads, against a real process: ingest goes on, and the client is cut off.
describe("kayaktrack serve, as a real process: a live client that stops reading", () => {
  it("is disconnected once too many fixes wait for it, and ingest is not held up", async () => {
    const db = tempDb();
    const dev = await addDevice(db, "busy");
    const server = await startServerProcess(db);
    try {
      const sock = connect(server.port, "127.0.0.1");
      sock.on("error", () => {}); // the server may reset it
      const closed = new Promise<void>((resolve) => sock.on("close", () => resolve()));
      sock.write(`GET /api/v1/live HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN}\r\n\r\n`);
      sock.pause(); // reads nothing from here on
      // 72,000 fixes (about 18 MB of events): more than a live client may have waiting (10,000) beyond what the sockets' buffers hold (a few MB).
      const T0 = Math.floor(Date.now() / 1000) - 86400;
      for (let b = 0; b < 8; b++) {
        const fixes = Array.from({ length: 9000 }, (_, i) => ({ time: T0 + b * 9000 + i, lat: 59.9, lon: 10.7 }));
        const res = await fetch(`${server.url}/api/v1/batches`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${dev.token}` },
          body: JSON.stringify({ device: dev.id, seq: b, fixes }),
        });
        expect(await res.json()).toMatchObject({ stored: 9000 });
      }
      const clients = async () => /^kayaktrack_live_clients (\d+)/m.exec(await (await fetch(`${server.url}/metrics`)).text())![1];
      await expect.poll(clients, { timeout: 5000 }).toBe("0");
      // Reading again, the client gets what was already in the sockets, then the end: the server closed the connection.
      sock.resume();
      const stillOpen = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the server kept the connection open")), 5000).unref());
      await Promise.race([closed, stillOpen]);
    } finally {
      await server.kill("SIGKILL");
    }
  }, 30_000);
});

// The reading API and the phone protocols' variants, over HTTP against a real process.
describe("kayaktrack serve, as a real process: reading, duplicates and OsmAnd's variants", () => {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const T0 = Math.floor(Date.now() / 1000) - 7200;

  it("keeps the latest position on the newest fix when a late one comes, pages in time order, and filters by ISO and epoch times", async () => {
    const db = tempDb();
    const dev = await addDevice(db, "reader");
    const server = await startServerProcess(db);
    try {
      const send = (seq: number, times: number[]) =>
        fetch(`${server.url}/api/v1/batches`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${dev.token}` },
          body: JSON.stringify({ device: dev.id, seq, fixes: times.map((t) => ({ time: t, lat: 59.9, lon: 10.7 })) }),
        }).then((r) => r.json());
      expect(await send(1, [T0 + 10, T0 + 20, T0 + 30])).toEqual({ seq: 1, stored: 3, duplicates: 0, rejected: 0 });
      // A late fix, and one already stored under a new seq: stored once, counted as a duplicate.
      expect(await send(2, [T0 + 5, T0 + 30])).toEqual({ seq: 2, stored: 1, duplicates: 1, rejected: 0 });
      expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^kayaktrack_fixes_duplicate_total(\{[^}]*\})? [1-9]/m);

      const { devices } = await (await fetch(`${server.url}/api/v1/devices`, { headers: admin })).json();
      expect(devices.find((d: { id: number }) => d.id === dev.id).latest.time).toBe(T0 + 30);

      const times: number[] = [];
      let next: string | null = `/api/v1/devices/${dev.id}/fixes?limit=3`;
      let pages = 0;
      while (next) {
        const page = await (await fetch(server.url + next, { headers: admin })).json();
        times.push(...page.features.map((f: { properties: { time: number } }) => f.properties.time));
        next = page.next;
        pages++;
      }
      expect(times).toEqual([T0 + 5, T0 + 10, T0 + 20, T0 + 30]);
      expect(pages).toBe(2);

      const between = async (from: string, to: string) =>
        (await (await fetch(`${server.url}/api/v1/devices/${dev.id}/fixes?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { headers: admin })).json()).features.length;
      const iso = (t: number) => new Date(t * 1000).toISOString();
      expect(await between(iso(T0 + 10), iso(T0 + 20))).toBe(2);
      expect(await between(String(T0 + 6), String(T0 + 30))).toBe(3);
    } finally {
      await server.kill("SIGKILL");
    }
  });

  it("takes OsmAnd as a form body and as JSON, with Basic auth, and converts knots to m/s", async () => {
    const db = tempDb();
    const dev = await addDevice(db, "phone");
    const server = await startServerProcess(db);
    try {
      const basic = { Authorization: "Basic " + Buffer.from(`${dev.id}:${dev.token}`).toString("base64") };
      const form = await fetch(`${server.url}/api/v1/osmand`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...basic },
        body: `id=${dev.id}&lat=59.9&lon=10.7&timestamp=${T0}&speed=2`,
      });
      expect(form.status).toBe(200);
      // Traccar Client's JSON form: a location object with a timestamp in ISO 8601.
      const json = await fetch(`${server.url}/api/v1/osmand`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...basic },
        body: JSON.stringify({ device_id: String(dev.id), location: { timestamp: new Date((T0 + 1) * 1000).toISOString(), coords: { latitude: 59.91, longitude: 10.71, speed: 3 } } }),
      });
      expect(json.status, await json.clone().text()).toBe(200);
      const { features } = await (await fetch(`${server.url}/api/v1/devices/${dev.id}/fixes`, { headers: admin })).json();
      expect(features.map((f: { properties: { time: number } }) => f.properties.time)).toEqual([T0, T0 + 1]);
      // 2 knots is 1.029 m/s (1 knot = 1852 m an hour).
      expect(features[0].properties.speed).toBeCloseTo((2 * 1852) / 3600, 3);
    } finally {
      await server.kill("SIGKILL");
    }
  });
});
