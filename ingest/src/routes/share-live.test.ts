import { describe, expect, it } from "vitest";
import { jsonInit, readEvents, testService } from "../testing.ts";

type Service = ReturnType<typeof testService>;
type Events = Array<Record<string, string>>;

let seq = 1;
async function post(s: Service, times: number[]) {
  const fixes = times.map((t) => ({ time: t, lat: 59.9, lon: 10.7 + (t % 10_000) * 1e-4 }));
  const res = await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq: seq++, fixes }, s.bearer(s.device.token)));
  expect(res.status).toBe(200);
}

async function share(s: Service, body: Record<string, unknown>): Promise<{ id: number; token: string }> {
  const res = await s.app.request("/api/v1/admin/shares", jsonInit(body, s.admin));
  expect(res.status).toBe(201);
  return res.json();
}

const fixTimes = (events: Events) => events.filter((e) => e.event === "fix").map((e) => JSON.parse(e.data!).time as number);

describe("GET /api/v1/shares/:token/live", () => {
  it("streams a device share's new fixes without a login, the fix time in ms as event id", async () => {
    const s = testService();
    const now = Math.floor(Date.now() / 1000);
    await post(s, [now - 60]); // before the stream: not sent again
    const { token } = await share(s, { device: s.device.id });
    const res = await s.app.request(`/api/v1/shares/${token}/live`);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    setTimeout(() => void post(s, [now - 2, now - 1]), 20);
    const events = await readEvents(res, (ev) => fixTimes(ev).length >= 2);
    expect(fixTimes(events)).toEqual([now - 2, now - 1]);
    expect(events.filter((e) => e.event === "fix").map((e) => e.id)).toEqual([String((now - 2) * 1000), String((now - 1) * 1000)]);
  });

  it("holds a fix back until it is older than the privacy delay", async () => {
    const s = testService();
    const { token } = await share(s, { device: s.device.id, delay: 1 });
    const res = await s.app.request(`/api/v1/shares/${token}/live`);
    const postedAt = Date.now();
    const t = Math.round(postedAt) / 1000;
    setTimeout(() => void post(s, [t]), 20);
    const events = await readEvents(res, (ev) => fixTimes(ev).length >= 1);
    expect(fixTimes(events)).toEqual([t]);
    // Sent once the fix's own time is a second old, not when it arrived.
    expect(Date.now()).toBeGreaterThanOrEqual(t * 1000 + 1000);
    expect(Date.now()).toBeLessThan(t * 1000 + 2500);
  });

  it("resumes after Last-Event-ID (or ?since=) with the fixes after that time", async () => {
    const s = testService();
    const now = Math.floor(Date.now() / 1000);
    await post(s, [now - 30, now - 20, now - 10]);
    const { token } = await share(s, { device: s.device.id });
    const resumed = await s.app.request(`/api/v1/shares/${token}/live`, { headers: { "Last-Event-ID": String((now - 30) * 1000) } });
    expect(fixTimes(await readEvents(resumed, (ev) => fixTimes(ev).length >= 2))).toEqual([now - 20, now - 10]);
    const since = await s.app.request(`/api/v1/shares/${token}/live?since=${(now - 20) * 1000}`);
    expect(fixTimes(await readEvents(since, (ev) => fixTimes(ev).length >= 1))).toEqual([now - 10]);
  });

  it("drops a client that leaves an event unread too long", async () => {
    const s = testService({ liveStallMs: 100 });
    const now = Math.floor(Date.now() / 1000);
    const { token } = await share(s, { device: s.device.id });
    const res = await s.app.request(`/api/v1/shares/${token}/live`);
    const clients = async () => Number(/^kayaktrack_live_clients (\d+)/m.exec(await (await s.app.request("/metrics")).text())![1]);
    expect(await clients()).toBe(1);
    await post(s, [now - 5, now - 4, now - 3, now - 2, now - 1]);
    await expect.poll(clients, { timeout: 2000 }).toBe(0);
    expect(fixTimes(await readEvents(res, () => false)).length).toBeLessThan(5);
  });

  it("refuses a share stream beyond the most with 429 and Retry-After, frees the place when one ends, and never refuses the admin", async () => {
    const s = testService({ shareStreamsMax: 1 });
    const { token } = await share(s, { device: s.device.id });
    const first = await s.app.request(`/api/v1/shares/${token}/live`);
    expect(first.status).toBe(200);
    const second = await s.app.request(`/api/v1/shares/${token}/live`);
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("30");
    expect(second.headers.get("connection")).toBe("close");
    expect(await second.json()).toMatchObject({ error: "too many live streams" });
    const admin = await s.app.request("/api/v1/live", { headers: s.admin });
    expect(admin.status).toBe(200);
    await admin.body!.cancel();
    await first.body!.cancel();
    await expect.poll(async () => {
      const again = await s.app.request(`/api/v1/shares/${token}/live`);
      await again.body?.cancel();
      return again.status;
    }).toBe(200);
  });

  it("keeps at most shareStreamsPerLink streams on one link, so one holder cannot take every other link's room (issue 22, item 5)", async () => {
    const s = testService({ shareStreamsMax: 10, shareStreamsPerLink: 2 });
    const a = await share(s, { device: s.device.id });
    const b = await share(s, { device: s.device.id });
    const open = [await s.app.request(`/api/v1/shares/${a.token}/live`), await s.app.request(`/api/v1/shares/${a.token}/live`)];
    const third = await s.app.request(`/api/v1/shares/${a.token}/live`);
    expect(third.status).toBe(429);
    expect((await third.json()).detail).toMatch(/this share link has 2 live streams open already/);
    const other = await s.app.request(`/api/v1/shares/${b.token}/live`);
    expect(other.status).toBe(200);
    for (const r of [...open, other]) await r.body!.cancel();
  });

  it("beats its heartbeat on its own schedule, not restarted by uploads a viewer behind the delay must not learn of (issue 22, item 7)", async () => {
    const s = testService({ heartbeatMs: 500 });
    const { token } = await share(s, { device: s.device.id, delay: 600 });
    const res = await s.app.request(`/api/v1/shares/${token}/live`);
    const started = Date.now();
    const beats: number[] = [];
    // An upload 250 ms into each beat: hidden by the delay, it wakes the stream all the same.
    const uploads = setInterval(() => void post(s, [Math.floor(Date.now() / 1000) - 1]), 500);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      while (beats.length < 4) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const _ of value.match(/^: ?heartbeat/gm) ?? []) beats.push(Date.now() - started);
      }
    } finally {
      clearInterval(uploads);
      await reader.cancel();
    }
    // Restarted by each upload, they came 750 ms apart; on their own beat, 500.
    const gaps = beats.slice(1).map((t, i) => t - beats[i]!);
    const median = [...gaps].sort((x, y) => x - y)[1]!;
    expect(median, `heartbeats at ${beats.join(", ")} ms`).toBeLessThan(650);
  });

  it("ends the stream when the share is revoked", async () => {
    const s = testService();
    const { id, token } = await share(s, { device: s.device.id });
    const res = await s.app.request(`/api/v1/shares/${token}/live`);
    setTimeout(async () => {
      await s.app.request(`/api/v1/admin/shares/${id}`, { method: "DELETE", headers: s.admin });
      await post(s, [Math.floor(Date.now() / 1000)]);
    }, 20);
    const events = await readEvents(res, () => false); // until the server closes it
    expect(events.at(-1)).toMatchObject({ event: "end" });
    expect(JSON.parse(events.at(-1)!.data!).detail).toMatch(/revoked/);
    expect(fixTimes(events)).toEqual([]);
  });

  it("refuses unknown, revoked and trip shares, and a bad Last-Event-ID", async () => {
    const s = testService();
    expect((await s.app.request("/api/v1/shares/nope/live")).status).toBe(404);
    const { id, token } = await share(s, { device: s.device.id });
    expect((await s.app.request(`/api/v1/shares/${token}/live`, { headers: { "Last-Event-ID": "x" } })).status).toBe(400);
    await s.app.request(`/api/v1/admin/shares/${id}`, { method: "DELETE", headers: s.admin });
    expect((await s.app.request(`/api/v1/shares/${token}/live`)).status).toBe(410);
    const now = Math.floor(Date.now() / 1000);
    await post(s, Array.from({ length: 300 }, (_, i) => now - 3600 + i)); // a trip of 5 minutes
    const { trips } = await (await s.app.request(`/api/v1/devices/${s.device.id}/trips`, { headers: s.admin })).json();
    expect(trips.length).toBe(1);
    const trip = await share(s, { trip: trips[0].id });
    const res = await s.app.request(`/api/v1/shares/${trip.token}/live`);
    expect(res.status).toBe(404);
    expect((await res.json()).detail).toMatch(/device share/);
  });

  it("ends every link of a device once the device is revoked (issue 22, item 11)", async () => {
    const s = testService();
    const live = await share(s, { device: s.device.id });
    expect((await s.app.request(`/api/v1/shares/${live.token}`)).status).toBe(200);
    await s.deps.store.revokeDevice(s.device.id);
    for (const path of [`/api/v1/shares/${live.token}`, `/api/v1/shares/${live.token}/live`]) {
      const res = await s.app.request(path);
      expect(res.status, path).toBe(410);
      expect((await res.json()).detail).toBe("this share link's device was revoked");
    }
  });

  it("reads what a commit releases once for all the streams on a link, not once a stream (issue 22, item 4)", async () => {
    const s = testService();
    const { token } = await share(s, { device: s.device.id });
    const streams = await Promise.all(Array.from({ length: 20 }, () => s.app.request(`/api/v1/shares/${token}/live`)));
    const readers = streams.map((r) => r.body!.pipeThrough(new TextDecoderStream()).getReader());
    for (const r of readers) expect((await r.read()).value).toMatch(/event: hello/);
    let reads = 0;
    const fixes = s.deps.store.fixes.bind(s.deps.store);
    s.deps.store.fixes = (q) => (reads++, fixes(q));
    const now = Math.floor(Date.now() / 1000);
    await post(s, [now - 2, now - 1]);
    for (const r of readers) {
      let got = "";
      while ((got.match(/event: fix/g) ?? []).length < 2) got += (await r.read()).value;
    }
    // One read of what is shown now and one of the next hidden fix, for all twenty.
    expect(reads).toBeLessThanOrEqual(3);
    for (const r of readers) await r.cancel();
  });

  it("keeps at most shareStreamsPerDevice streams on the links of one device", async () => {
    const s = testService({ shareStreamsPerLink: 5, shareStreamsPerDevice: 3 });
    const a = await share(s, { device: s.device.id });
    const b = await share(s, { device: s.device.id });
    const c = await share(s, { device: s.other.id });
    const open = [await s.app.request(`/api/v1/shares/${a.token}/live`), await s.app.request(`/api/v1/shares/${a.token}/live`), await s.app.request(`/api/v1/shares/${b.token}/live`)];
    const fourth = await s.app.request(`/api/v1/shares/${b.token}/live`);
    expect(fourth.status).toBe(429);
    expect((await fourth.json()).detail).toMatch(/this device's share links have 3 live streams/);
    const other = await s.app.request(`/api/v1/shares/${c.token}/live`);
    expect(other.status).toBe(200);
    for (const r of [...open, other]) await r.body!.cancel();
  });
});
