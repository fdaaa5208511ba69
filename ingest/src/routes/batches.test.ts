import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { crc16, decodeBatch, encodeBatch } from "@kayaktrack/firmware/wire";
import { typedFix } from "../fix.ts";
import { jsonInit, T0, testService } from "../testing.ts";

const fix = (i: number, extra: Record<string, unknown> = {}) => ({
  time: T0 + i,
  lat: 59.9 + i * 1e-5,
  lon: 10.7,
  alt: 3,
  speed: 1.8,
  course: 90,
  hdop: 0.8,
  sats: 9,
  ...extra,
});

describe("POST /api/v1/batches", () => {
  it("stores a batch and acknowledges it after commit", async () => {
    const s = testService();
    const body = { device: s.device.id, seq: 1, fixes: [fix(0), fix(1), fix(2)], battery: 80 };
    const res = await s.app.request("/api/v1/batches", jsonInit(body, s.bearer(s.device.token)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ seq: 1, stored: 3, duplicates: 0, rejected: 0 });
    const stored = s.fixes();
    expect(stored.map((f) => f.time)).toEqual([T0, T0 + 1, T0 + 2]);
    expect(stored[0]).toMatchObject({ alt: 3, speed: 1.8, course: 90, hdop: 0.8, sats: 9, battery: 80, source: "batch" });
  });

  it("answers a resent batch with the same acknowledgement and stores nothing", async () => {
    const s = testService();
    const init = jsonInit({ device: s.device.id, seq: 5, fixes: [fix(0), fix(1), { lat: 1 }] }, s.bearer(s.device.token));
    const first = await (await s.app.request("/api/v1/batches", init)).json();
    const second = await s.app.request("/api/v1/batches", init);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(first);
    expect(first).toEqual({ seq: 5, stored: 2, duplicates: 0, rejected: 1 });
    expect(s.fixes()).toHaveLength(2);
    const metrics = await (await s.app.request("/metrics")).text();
    expect(metrics).toMatch(/kayaktrack_batches_total\{source="batch",outcome="replayed"\} 1/);
  });

  it("refuses a reused seq with other content (409) and keeps the first", async () => {
    const s = testService();
    const h = s.bearer(s.device.token);
    await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq: 9, fixes: [fix(0)] }, h));
    const res = await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq: 9, fixes: [fix(50)] }, h));
    expect(res.status).toBe(409);
    expect((await res.json()).error).toBe("batch conflict");
    expect(s.fixes().map((f) => f.time)).toEqual([T0]);
  });

  it("counts fixes already stored under another seq as duplicates", async () => {
    const s = testService();
    const h = s.bearer(s.device.token);
    await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq: 1, fixes: [fix(0), fix(1)] }, h));
    const res = await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq: 2, fixes: [fix(1), fix(2)] }, h));
    expect(await res.json()).toEqual({ seq: 2, stored: 1, duplicates: 1, rejected: 0 });
  });

  it("drops insane fixes, counts them by reason and stores the rest", async () => {
    const s = testService();
    const now = Math.floor(Date.now() / 1000);
    const fixes = [
      fix(0),
      fix(1, { lat: 91 }),
      fix(2, { lon: -180.5 }),
      fix(3, { time: 946684799 }),
      fix(4, { time: now + 2 * 86400 }),
      fix(5, { speed: 1000 }),
      fix(6, { alt: 99999 }),
      fix(7, { lat: "north" }),
      "not a fix",
      fix(9, { speed: -1, course: 400 }), // unknown speed, course folded: kept
    ];
    const res = await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq: 3, fixes }, s.bearer(s.device.token)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ seq: 3, stored: 2, duplicates: 0, rejected: 8 });
    const kept = s.fixes();
    expect(kept[1]).toMatchObject({ speed: null, course: 40 });
    const metrics = await (await s.app.request("/metrics")).text();
    for (const reason of ["lat", "lon", "time", "speed", "alt", "invalid"]) {
      expect(metrics).toContain(`kayaktrack_fixes_rejected_total{reason="${reason}"}`);
    }
  });

  it("accepts ISO times and keeps sub-second fractions", async () => {
    const s = testService();
    const fixes = [fix(0, { time: "2023-11-14T22:13:20.250Z" }), fix(0, { time: T0 + 0.5 })];
    const res = await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq: 1, fixes }, s.bearer(s.device.token)));
    expect(await res.json()).toMatchObject({ stored: 2 });
    expect(s.fixes().map((f) => f.time)).toEqual([T0 + 0.25, T0 + 0.5]);
  });

  it.each([
    ["not JSON", "{", 400, "malformed JSON"],
    ["a JSON array", "[]", 400, "malformed body"],
    ["no device", { device: null, seq: 1, fixes: [] }, 400, "malformed batch"],
    ["a bad seq", { seq: -1, fixes: [] }, 400, "malformed batch"],
    ["a fractional seq", { seq: 1.5, fixes: [] }, 400, "malformed batch"],
    ["fixes not an array", { seq: 1, fixes: {} }, 400, "malformed batch"],
  ])("answers %s with a clear 400", async (_, body, status, error) => {
    const s = testService();
    const withDevice = typeof body === "string" ? body : { device: s.device.id, ...body };
    const res = await s.app.request("/api/v1/batches", jsonInit(withDevice, s.bearer(s.device.token)));
    expect(res.status).toBe(status);
    const json = await res.json();
    expect(json.error).toBe(error);
    expect(json.detail).toBeTypeOf("string");
  });

  it("answers 401 for a wrong token, another device's token, a revoked device, and no token", async () => {
    const s = testService();
    const body = { device: s.device.id, seq: 1, fixes: [fix(0)] };
    for (const headers of [s.bearer("wrong"), s.bearer(s.other.token), {}]) {
      const res = await s.app.request("/api/v1/batches", jsonInit(body, headers));
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/Bearer/);
    }
    await s.deps.store.revokeDevice(s.device.id);
    expect((await s.app.request("/api/v1/batches", jsonInit(body, s.bearer(s.device.token)))).status).toBe(401);
    expect(s.fixes()).toHaveLength(0);
  });

  it("answers a request without a device's token before reading its body (issue 22, item 1; connection-guard.test.ts sees the connection closed)", async () => {
    const s = testService();
    // A body that never ends: reading it would never finish.
    const endless = new ReadableStream({ pull: () => new Promise(() => {}) });
    const init = { method: "POST", headers: { "Content-Type": "application/json", ...s.bearer("not-a-token") }, body: endless, duplex: "half" } as RequestInit;
    const res = await s.app.request("/api/v1/batches", init);
    expect(res.status).toBe(401);
    const none = await s.app.request("/api/v1/batches", { method: "POST", headers: { "Content-Type": "application/json" }, body: new ReadableStream({ pull: () => new Promise(() => {}) }), duplex: "half" } as RequestInit);
    expect(none.status).toBe(401);
  });

  it("answers 415 for another content type and 413 for a body over the limit", async () => {
    const s = testService({ maxBodyBytes: 2000, maxFixesPerBatch: 5 });
    const h = s.bearer(s.device.token);
    const text = await s.app.request("/api/v1/batches", { method: "POST", headers: { ...h, "Content-Type": "text/plain" }, body: "x" });
    expect(text.status).toBe(415);
    const big = await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq: 1, fixes: [], pad: "x".repeat(5000) }, h));
    expect(big.status).toBe(413);
    const many = await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq: 1, fixes: [1, 2, 3, 4, 5, 6] }, h));
    expect(many.status).toBe(413);
  });

  it("answers 429 with Retry-After when a device uploads too fast", async () => {
    const s = testService({ ratePerSec: 1, burst: 2 });
    const h = s.bearer(s.device.token);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let seq = 0; seq < 4; seq++) {
      const res = await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq, fixes: [fix(seq)] }, h));
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Another device is not slowed down.
    const other = await s.app.request("/api/v1/batches", jsonInit({ device: s.other.id, seq: 0, fixes: [fix(0)] }, s.bearer(s.other.token)));
    expect(other.status).toBe(200);
  });
});

describe("POST /api/v1/batches: values no tracker has (issue 22, item 11)", () => {
  it("a batch battery that is no number is none, and every fix is stored; an HDOP past 99.99 or an accuracy past 100 km is none", async () => {
    const s = testService();
    const body = { device: s.device.id, seq: 1, battery: "high", fixes: [fix(0), fix(1, { hdop: 1e9, accuracy: 3e14 })] };
    const res = await s.app.request("/api/v1/batches", jsonInit(body, s.bearer(s.device.token)));
    expect(res.status).toBe(200);
    expect(s.fixes().map((f) => [f.battery, f.hdop, f.accuracy])).toEqual([[null, 0.8, null], [null, null, null]]);
  });

  it("a compact batch's battery voltage past 60 V is none", async () => {
    const s = testService();
    const bytes = encodeBatch({ device: s.device.id, seq: 4, batteryVolts: 3.6e12, counters: [] }, [{ time: T0, lat: 59.9, lon: 10.7, alt: 3, speed: 1, course: 90, hdop: 0.8, sats: 9 }]);
    const res = await s.app.request("/api/v1/batches", { method: "POST", headers: { "Content-Type": "application/vnd.kayaktrack.batch", ...s.bearer(s.device.token) }, body: bytes });
    expect(res.status).toBe(200);
    expect((await s.deps.store.getDevice(s.device.id))?.batteryVolts).toBeNull();
    expect(s.fixes()).toHaveLength(1);
  });
});

describe("POST /api/v1/batches in the firmware's compact format", () => {
  const TYPE = "application/vnd.kayaktrack.batch";
  const wireFixes = (n: number, t0 = T0) =>
    Array.from({ length: n }, (_, i) => ({ time: t0 + i * 5, lat: 59.9 + i * 2e-4, lon: 10.7, alt: 3, speed: 1.8, course: 90, hdop: 0.8, sats: 9 }));
  const post = (s: ReturnType<typeof testService>, bytes: Uint8Array, token = s.device.token) =>
    s.app.request("/api/v1/batches", { method: "POST", headers: { "Content-Type": TYPE, ...s.bearer(token) }, body: bytes });

  it("stores the batch and answers with the short text acknowledgement; a resend stores nothing", async () => {
    const s = testService();
    const bytes = encodeBatch({ device: s.device.id, seq: 3, batteryVolts: 3.88, counters: [0, 0, 10, 10, 0] }, wireFixes(10));
    const res = await post(s, bytes);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("A 3 10 0 0\n");
    expect(s.fixes()[1]).toMatchObject({ time: T0 + 5, lat: 59.9002, alt: 3, speed: 1.8, course: 90, hdop: 0.8, sats: 9, battery: null });
    expect(await (await post(s, bytes)).text()).toBe("A 3 10 0 0\n");
    // The tracker's battery voltage goes with the device (its fixes carry no charge: the chemistry is unknown).
    const { devices } = await (await s.app.request("/api/v1/devices", { headers: s.admin })).json();
    expect(devices[0]).toMatchObject({ id: s.device.id, battery: null, batteryVolts: 3.88 });
    // Resent after the tracker restarted: the same fixes with new counters and battery.
    const resent = encodeBatch({ device: s.device.id, seq: 3, batteryVolts: 3.84, counters: [1, 0, 3, 2, 0] }, wireFixes(10));
    expect(await (await post(s, resent)).text()).toBe("A 3 10 0 0\n");
    expect(s.fixes()).toHaveLength(10);
    expect((await s.deps.store.getDevice(s.device.id))?.batteryVolts, "the resend's fresh battery reading").toBe(3.84);
    // The same seq with other fixes is a conflict, never a silent acknowledgement.
    const other = encodeBatch({ device: s.device.id, seq: 3, batteryVolts: 3.88, counters: [] }, wireFixes(2, T0 + 1000));
    expect((await post(s, other)).status).toBe(409);
  });

  it("replays a batch stored before digests covered the coded integers (the JSON of its fixes)", async () => {
    const s = testService();
    const resent = encodeBatch({ device: s.device.id, seq: 5, batteryVolts: 3.9, counters: [] }, wireFixes(4));
    // What the server before stored: the digest of the decoded fixes' JSON.
    const { fixes } = decodeBatch(resent);
    const legacy = createHash("sha256").update(JSON.stringify(fixes)).digest("base64url").slice(0, 22);
    await s.deps.store.write([{ deviceId: s.device.id, source: "batch", fixes: fixes.map((f) => typedFix(f, null)), batch: { seq: 5, digest: legacy, rejected: 0 } }]);
    expect(await (await post(s, resent)).text()).toBe("A 5 4 0 0\n");
    expect(s.fixes()).toHaveLength(4);
    const other = encodeBatch({ device: s.device.id, seq: 5, batteryVolts: 3.9, counters: [] }, wireFixes(4, T0 + 1000));
    expect((await post(s, other)).status).toBe(409);
    expect(s.fixes()).toHaveLength(4);
  });

  it("takes the tracker's seq, its first fix's time in tenths of a second, for any date and past 2037; refuses one a double cannot hold", async () => {
    const s = testService();
    // A receiver 1,024 weeks behind (2007), today, and 2040: seqs above 2^32 all.
    for (const t0 of [T0 - 619_315_200, T0, 2_208_988_800]) {
      const fixes = wireFixes(2, t0);
      const seq = Math.round(t0 * 10);
      const res = await post(s, encodeBatch({ device: s.device.id, seq, batteryVolts: null, counters: [] }, fixes));
      expect(await res.text()).toBe(`A ${seq} ${t0 < 946_684_800 || t0 > Date.now() / 1000 + 86_400 ? "0 0 2" : "2 0 0"}\n`);
    }
    // The encoder cannot write 2^53 (it throws); the JSON form can say it.
    const tooBig = await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq: 2 ** 53, fixes: [] }, s.bearer(s.device.token)));
    expect(tooBig.status).toBe(400);
  });

  it("still takes version 1 batches from older trackers, whose battery is a percentage", async () => {
    const s = testService();
    // Version 2 without a battery has a one-byte 0 where version 1 has its percent byte.
    const v1 = encodeBatch({ device: s.device.id, seq: 1, batteryVolts: null, counters: [] }, wireFixes(3)).slice();
    v1[0] = 1;
    v1[3] = 71;
    const crc = crc16(v1, v1.length - 2);
    v1.set([crc >> 8, crc & 0xff], v1.length - 2);
    expect(await (await post(s, v1)).text()).toBe("A 1 3 0 0\n");
    expect(s.fixes().map((f) => f.battery)).toEqual([71, 71, 71]);
  });

  it("refuses a corrupted batch with 400 and stores none of it", async () => {
    const s = testService();
    const bytes = encodeBatch({ device: s.device.id, seq: 1, batteryVolts: null, counters: [] }, wireFixes(20));
    for (const bit of [0, 9, 77, bytes.length * 8 - 1]) {
      const bad = bytes.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const res = await post(s, bad);
      expect(res.status, `bit ${bit}`).toBe(400);
      expect((await res.json()).detail).toMatch(/CRC mismatch/);
    }
    expect(s.fixes()).toEqual([]);
  });

  it("answers 401 for another device's token and drops insane fixes but keeps the rest", async () => {
    const s = testService();
    const bytes = encodeBatch({ device: s.device.id, seq: 2, batteryVolts: null, counters: [] }, wireFixes(3));
    expect((await post(s, bytes, s.other.token)).status).toBe(401);
    const future = encodeBatch({ device: s.device.id, seq: 4, batteryVolts: null, counters: [] }, [...wireFixes(2), ...wireFixes(1, Date.now() / 1000 + 3 * 86400)]);
    expect(await (await post(s, future)).text()).toBe("A 4 2 0 1\n");
  });
});
