import { connect } from "node:net";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, addDevice, startServerProcess, tempDb, type ServerProcess } from "@kayaktrack/tools/server-process";
import { prng } from "@kayaktrack/firmware/testing/prng";

/**
 * At least 1,000 generated malformed or hostile requests against a real
 * server: each must get a 4xx, the server must still serve afterwards, and the
 * victim device's track must be untouched.
 */
describe("fuzz: hostile HTTP", () => {
  const db = tempDb("kt-fuzz-");
  let server: ServerProcess;
  let victim: { id: number; token: string };
  let attacker: { id: number; token: string };
  const T = Math.floor(Date.now() / 1000) - 600;

  beforeAll(async () => {
    victim = await addDevice(db, "victim");
    attacker = await addDevice(db, "attacker");
    server = await startServerProcess(db, { LOG_LEVEL: "warn", KAYAKTRACK_RATE_PER_SEC: "100000", KAYAKTRACK_BURST: "100000" });
    const res = await fetch(`${server.url}/api/v1/osmand?id=${victim.id}&token=${victim.token}&lat=59&lon=10&timestamp=${T}`, { method: "POST" });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await server?.kill("SIGKILL");
  });

  const victimTrack = () => {
    const check = new Database(db, { readonly: true });
    const rows = check.prepare("SELECT t_ms, lat, lon FROM fixes WHERE device_id = ? ORDER BY t_ms").all(victim.id);
    check.close();
    return rows;
  };

  type Req = { path: string; init: RequestInit; why: string };

  function generate(seed: number, count: number): Req[] {
    const r = prng(seed);
    const sql = ["1 OR 1=1", "1; DROP TABLE fixes;--", "' OR ''='", '"); DELETE FROM fixes; --', "1 UNION SELECT * FROM devices"];
    const junk = () => {
      const n = r.int(300);
      let s = "";
      for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(0x3000));
      return s;
    };
    // Header values must be printable ASCII, or fetch() refuses them before sending.
    const junkToken = () => Array.from({ length: 1 + r.int(60) }, () => String.fromCharCode(33 + r.int(94))).join("");
    const basic = (u: string | number, p: string) => "Basic " + Buffer.from(`${u}:${p}`).toString("base64");
    const goodBatch = () => ({ device: victim.id, seq: r.int(1e6), fixes: [{ time: T + 1 + r.int(1000), lat: 1, lon: 1 }] });
    const json = (body: unknown, headers: Record<string, string> = {}) => ({
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const makers: Array<() => Req> = [
      // Bad JSON of every kind, with a valid token.
      () => ({ path: "/api/v1/batches", init: json(JSON.stringify(goodBatch()).slice(0, r.int(40)), { Authorization: `Bearer ${attacker.token}` }), why: "truncated JSON" }),
      () => ({ path: "/api/v1/batches", init: json(junk() + "{", { Authorization: `Bearer ${attacker.token}` }), why: "junk" }),
      () => ({ path: "/api/v1/owntracks", init: json("[".repeat(1000 + r.int(5000)), { Authorization: basic(attacker.id, attacker.token) }), why: "deep nesting" }),
      () => ({ path: "/api/v1/overland", init: json(r.pick(["null", "1", '"s"', "[]", "{}", '{"locations":{}}']), { Authorization: `Bearer ${attacker.token}` }), why: "wrong root" }),
      // Wrong types.
      () => ({ path: "/api/v1/batches", init: json({ device: attacker.id, seq: r.pick(["1", null, -5, 1.5, 2 ** 53, {}]), fixes: [] }, { Authorization: `Bearer ${attacker.token}` }), why: "bad seq" }),
      () => ({ path: "/api/v1/batches", init: json({ device: attacker.id, seq: 1, fixes: r.pick([{}, "x", 5, null]) }, { Authorization: `Bearer ${attacker.token}` }), why: "bad fixes" }),
      // Huge bodies.
      () => ({ path: r.pick(["/api/v1/batches", "/api/v1/overland", "/api/v1/owntracks"]), init: json("x".repeat(1_048_577 + r.int(1000)), { Authorization: `Bearer ${attacker.token}` }), why: "huge" }),
      // Bad tokens and other devices' tokens, aimed at the victim.
      () => ({ path: "/api/v1/batches", init: json(goodBatch(), { Authorization: `Bearer ${r.pick([attacker.token, junkToken(), victim.token.slice(1)])}` }), why: "victim batch, wrong token" }),
      () => ({ path: `/api/v1/osmand?id=${victim.id}&token=${encodeURIComponent(r.pick([attacker.token, "", victim.token + "x"]))}&lat=1&lon=1&timestamp=${T + 5}`, init: { method: "POST" }, why: "victim osmand" }),
      () => ({ path: "/api/v1/owntracks", init: json({ _type: "location", lat: 1, lon: 1, tst: T + 7 }, { Authorization: basic(victim.id, attacker.token) }), why: "victim owntracks" }),
      () => ({ path: "/api/v1/admin/devices", init: json({ name: r.pick(sql) }, { Authorization: `Bearer ${attacker.token}` }), why: "admin with a device token" }),
      () => ({ path: `/api/v1/admin/devices/${victim.id}`, init: { method: "DELETE", headers: { Authorization: basic("admin", ADMIN) } }, why: "revoke, wrong scheme" }),
      // SQL metacharacters where ids and times go.
      () => ({ path: `/api/v1/osmand?id=${encodeURIComponent(r.pick(sql))}&token=${attacker.token}&lat=1&lon=1`, init: { method: "GET" }, why: "sql id" }),
      () => ({ path: `/api/v1/devices/${encodeURIComponent(r.pick(sql))}/fixes`, init: { headers: { Authorization: `Bearer ${ADMIN}` } }, why: "sql path" }),
      () => ({ path: `/api/v1/devices/${victim.id}/fixes?from=${encodeURIComponent(r.pick(sql))}`, init: { headers: { Authorization: `Bearer ${ADMIN}` } }, why: "sql query" }),
      // Path traversal against the static files and beyond.
      () => ({ path: r.pick(["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/api/v1/..%2f..%2fetc%2fpasswd", "/static/..%5c..%5cwindows", "/%00", "/api/v1/devices/%2e%2e"]), init: {}, why: "traversal" }),
      // Wrong media types and methods.
      () => ({ path: r.pick(["/api/v1/batches", "/api/v1/owntracks", "/api/v1/overland"]), init: { method: "POST", headers: { "Content-Type": r.pick(["text/plain", "application/xml", "multipart/form-data; boundary=x"]), Authorization: basic(attacker.id, attacker.token) }, body: "{}" }, why: "media type" }),
      () => ({ path: r.pick(["/api/v1/batches", "/api/v1/owntracks", "/healthz"]), init: { method: r.pick(["PUT", "DELETE", "PATCH"]) }, why: "method" }),
      () => ({ path: `/api/v1/live?device=${encodeURIComponent(r.pick(sql))}`, init: { headers: { Authorization: `Bearer ${ADMIN}` } }, why: "live bad device" }),
      () => ({ path: "/api/v1/live", init: { headers: { Authorization: `Bearer ${ADMIN}`, "Last-Event-ID": r.pick(sql) } }, why: "live bad resume" }),
    ];
    return Array.from({ length: count }, () => r.pick(makers)());
  }

  it("answers 1,200 generated hostile requests with 4xx and writes nothing to another device", async () => {
    const before = victimTrack();
    const requests = generate(20261122, 1200);
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    for (let i = 0; i < requests.length; i += 12) {
      await Promise.all(
        requests.slice(i, i + 12).map(async ({ path, init, why }) => {
          let status: number;
          try {
            const res = await fetch(server.url + path, init);
            status = res.status;
            await res.arrayBuffer();
          } catch {
            status = 413; // only huge bodies may be cut off mid-upload, after the 413 reply
            if (why !== "huge") bad.push(`${why}: connection failed`);
          }
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status < 400 || status >= 500) bad.push(`${why} ${path.slice(0, 60)} → ${status}`);
        }),
      );
    }
    expect(bad).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1200);
    expect(victimTrack()).toEqual(before);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("survives malformed HTTP on the raw socket", async () => {
    const raw = [
      "GARBAGE\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "POST /api/v1/batches HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      "POST /api/v1/batches HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "GET /" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(5000) + "\r\n",
    ];
    for (const text of raw) {
      const reply = await new Promise<string>((resolve) => {
        const sock = connect(server.port, "127.0.0.1");
        let got = "";
        sock.on("data", (d) => (got += d));
        sock.on("error", () => resolve(got));
        sock.on("close", () => resolve(got));
        sock.end(text);
      });
      expect(reply === "" || /^HTTP\/1\.1 4\d\d/.test(reply), reply.slice(0, 80)).toBe(true);
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
