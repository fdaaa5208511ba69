import { createServer, Socket, type Server } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import type { Limits } from "../../limits.ts";
import { createService } from "../../service.ts";
import { ADMIN, jsonInit, readEvents, T0 } from "../../testing.ts";
import { openPgStore } from "./pg-store.ts";
import { freshDatabase, PG_SKIPPED, TEST_PG } from "./testing/pg-test-db.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Two services, as two processes would be, on one new database. */
async function twoServices(url?: string, limits: Partial<Limits> = {}) {
  const db = url ? undefined : await freshDatabase();
  const open = async () => {
    const service = createService({ store: await openPgStore(url ?? db!.url, { max: 4 }), adminToken: ADMIN, limits });
    cleanups.push(() => service.close());
    return service;
  };
  const [a, b] = [await open(), await open()];
  if (db) cleanups.push(() => db.drop());
  const { device, token } = await a.deps.store.addDevice("kayak");
  return { a, b, device, token, db };
}

const admin = { Authorization: `Bearer ${ADMIN}` };
const fixEvents = (events: Array<Record<string, string>>) => events.filter((e) => e.event === "fix");

/** A TCP proxy to the test cluster that a test can cut and mend: the database going away and coming back. */
async function proxyTo(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((inbound) => {
        const outbound = new Socket().connect(Number(target.port), target.hostname);
        for (const s of [inbound, outbound]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s)).on("error", () => {});
        }
        inbound.pipe(outbound).pipe(inbound);
      }).listen(port, "127.0.0.1", () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  await open();
  const url = new URL(target.href);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.href,
    async cut() {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    mend: open,
  };
}

describe.skipIf(!TEST_PG)(`two services on one PostgreSQL${PG_SKIPPED}`, () => {
  it("streams a fix posted to one to the other's live client within 500 ms, and resumes by Last-Event-ID on the first", async () => {
    const { a, b, device, token } = await twoServices();
    const live = await b.app.request(`/api/v1/live?device=${device.id}`, { headers: admin });
    // The stream is open once its hello is out; then the fix goes to the other service.
    let postedAt = 0;
    const arrived: number[] = [];
    const events = await readEvents(live, (ev) => {
      if (ev.length === 1 && !postedAt) {
        postedAt = Date.now();
        void a.app.request("/api/v1/batches", jsonInit({ device: device.id, seq: 1, fixes: [{ time: T0, lat: 59.9, lon: 10.7 }, { time: T0 + 1, lat: 59.9, lon: 10.7001 }] }, { Authorization: `Bearer ${token}` }));
      }
      if (fixEvents(ev).length > arrived.length) arrived.push(Date.now());
      return fixEvents(ev).length >= 2;
    });
    expect(fixEvents(events).map((e) => JSON.parse(e.data!).time)).toEqual([T0, T0 + 1]);
    expect(arrived.at(-1)! - postedAt).toBeLessThan(500);
    // The client reconnects to the other process with the first fix's id: it gets the second.
    const firstId = fixEvents(events)[0]!.id!;
    const resumed = await a.app.request(`/api/v1/live?device=${device.id}`, { headers: { ...admin, "Last-Event-ID": firstId } });
    const again = await readEvents(resumed, (ev) => fixEvents(ev).length >= 1);
    expect(fixEvents(again).map((e) => JSON.parse(e.data!).time)).toEqual([T0 + 1]);
  });

  it("holds a device to one upload rate whichever of them its requests reach", async () => {
    const { a, b, device, token } = await twoServices(undefined, { ratePerSec: 0.5, burst: 4 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const s = i % 2 ? b : a;
      const res = await s.app.request("/api/v1/batches", jsonInit({ device: device.id, seq: i + 1, fixes: [{ time: T0 + i, lat: 59.9, lon: 10.7 }] }, { Authorization: `Bearer ${token}` }));
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    // A burst of 4 in all, not 4 at each.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
  });

  it("answers 503 with Retry-After while the database is away, acknowledges nothing, and works again when it is back", async () => {
    const db = await freshDatabase();
    cleanups.push(() => db.drop());
    const proxy = await proxyTo(new URL(db.url));
    const { a: s, device, token } = await twoServices(proxy.url);
    const batch = (seq: number, t: number) =>
      s.app.request("/api/v1/batches", jsonInit({ device: device.id, seq, fixes: [{ time: t, lat: 59.9, lon: 10.7 }] }, { Authorization: `Bearer ${token}` }));
    expect((await batch(1, T0)).status).toBe(200);
    await proxy.cut();
    for (const res of [await batch(2, T0 + 1), await s.app.request(`/api/v1/devices/${device.id}/fixes`, { headers: admin })]) {
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(await res.json()).toMatchObject({ error: "storage unavailable" });
    }
    expect((await s.app.request("/healthz")).status).toBe(503);
    await proxy.mend();
    const retried = await batch(2, T0 + 1);
    expect(retried.status).toBe(200);
    const fixes = (await (await s.app.request(`/api/v1/devices/${device.id}/fixes`, { headers: admin })).json()) as { features: unknown[] };
    expect(fixes.features).toHaveLength(2);
  });
});
