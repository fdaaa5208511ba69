import { describe, expect, it } from "vitest";
import { jsonInit, readEvents, T0, testService } from "../testing.ts";

type Service = ReturnType<typeof testService>;

async function post(s: Service, who: { id: number; token: string }, seq: number, times: number[]) {
  const fixes = times.map((t) => ({ time: t, lat: 59.9, lon: 10.7 }));
  const res = await s.app.request("/api/v1/batches", jsonInit({ device: who.id, seq, fixes }, s.bearer(who.token)));
  expect(res.status).toBe(200);
}

const fixEvents = (events: Array<Record<string, string>>) => events.filter((e) => e.event === "fix");

describe("GET /api/v1/live", () => {
  it("streams new fixes with their ids as event ids", async () => {
    const s = testService();
    const res = await s.app.request("/api/v1/live", { headers: s.admin });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    setTimeout(() => void post(s, s.device, 1, [T0, T0 + 1]), 20);
    const events = await readEvents(res, (ev) => fixEvents(ev).length >= 2);
    const fixes = fixEvents(events).map((e) => ({ eventId: e.id, ...JSON.parse(e.data!) }));
    expect(fixes.map((f) => f.time)).toEqual([T0, T0 + 1]);
    for (const f of fixes) expect(f.eventId).toBe(String(f.id));
    expect(fixes[1].id).toBeGreaterThan(fixes[0].id);
  });

  it("filters by device", async () => {
    const s = testService();
    const res = await s.app.request(`/api/v1/live?device=${s.other.id}`, { headers: s.admin });
    setTimeout(() => void post(s, s.device, 1, [T0]).then(() => post(s, s.other, 1, [T0 + 5])), 20);
    const events = await readEvents(res, (ev) => fixEvents(ev).length >= 1);
    expect(fixEvents(events).map((e) => JSON.parse(e.data!).device)).toEqual([s.other.id]);
  });

  it("resumes after Last-Event-ID with the fixes stored meanwhile, none twice", async () => {
    const s = testService();
    await post(s, s.device, 1, [T0, T0 + 1, T0 + 2]);
    const all = s.fixes();
    const res = await s.app.request("/api/v1/live", { headers: { ...s.admin, "Last-Event-ID": String(all[0]!.id) } });
    setTimeout(() => void post(s, s.device, 2, [T0 + 3]), 50);
    const events = await readEvents(res, (ev) => fixEvents(ev).length >= 3);
    expect(fixEvents(events).map((e) => JSON.parse(e.data!).time)).toEqual([T0 + 1, T0 + 2, T0 + 3]);
  });

  it("sends heartbeats", async () => {
    const s = testService({ heartbeatMs: 30 });
    const res = await s.app.request("/api/v1/live", { headers: s.admin });
    const events = await readEvents(res, (ev) => ev.some((e) => e.comment === "heartbeat"));
    expect(events.some((e) => e.comment === "heartbeat")).toBe(true);
  });

  it("drops a client that falls behind instead of slowing ingest; it resumes from its last id", async () => {
    const s = testService({ liveQueueMax: 5 });
    const res = await s.app.request("/api/v1/live", { headers: s.admin });
    // Nobody reads this stream while 20 fixes are committed: ingest must not wait for it.
    await post(s, s.device, 1, Array.from({ length: 20 }, (_, i) => T0 + i));
    expect(s.fixes()).toHaveLength(20);
    const events = await readEvents(res, () => false); // ends when the server closes it
    expect(fixEvents(events).length).toBeLessThan(20);
    const resumed = await s.app.request("/api/v1/live", { headers: { ...s.admin, "Last-Event-ID": "0" } });
    const again = await readEvents(resumed, (ev) => fixEvents(ev).length >= 20);
    expect(fixEvents(again)).toHaveLength(20);
  });

  it("drops a client that leaves an event unread too long, whatever it has queued", async () => {
    const s = testService({ liveStallMs: 100 });
    const res = await s.app.request("/api/v1/live", { headers: s.admin });
    const clients = async () => Number(/^kayaktrack_live_clients (\d+)/m.exec(await (await s.app.request("/metrics")).text())![1]);
    expect(await clients()).toBe(1);
    // Nobody reads: the first events fill the stream's buffer, the next write waits, and 100 ms later the client is gone.
    await post(s, s.device, 1, Array.from({ length: 5 }, (_, i) => T0 + i));
    await expect.poll(clients, { timeout: 2000 }).toBe(0);
    const events = await readEvents(res, () => false); // what was sent before, then the end
    expect(fixEvents(events).length).toBeLessThan(5);
  });

  it("takes the admin token as ?access_token= for EventSource, and refuses without it", async () => {
    const s = testService();
    expect((await s.app.request("/api/v1/live")).status).toBe(401);
    expect((await s.app.request(`/api/v1/live?access_token=${s.device.token}`)).status).toBe(401);
    const res = await s.app.request(`/api/v1/live?access_token=admin-token-for-tests`);
    expect(res.status).toBe(200);
    await res.body!.cancel();
    expect((await s.app.request("/api/v1/live?device=999", { headers: s.admin })).status).toBe(404);
    expect((await s.app.request("/api/v1/live", { headers: { ...s.admin, "Last-Event-ID": "x" } })).status).toBe(400);
  });

  it("holds at most liveStreamsMax streams for the admin, with 429 past it (issue 22, item 4)", async () => {
    const s = testService({ liveStreamsMax: 2 });
    const open = [await s.app.request("/api/v1/live", { headers: s.admin }), await s.app.request("/api/v1/live", { headers: s.admin })];
    const third = await s.app.request("/api/v1/live", { headers: s.admin });
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("30");
    // The refusal closes its connection: it would hold one of its address's (the reliability suite's live-streams attack).
    expect(third.headers.get("connection")).toBe("close");
    await open[0]!.body!.cancel();
    await expect.poll(async () => {
      const again = await s.app.request("/api/v1/live", { headers: s.admin });
      await again.body?.cancel();
      return again.status;
    }).toBe(200);
    await open[1]!.body!.cancel();
  });
});
