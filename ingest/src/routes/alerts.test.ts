import { encodeBatch, SOS_CANCELLED, SOS_ON } from "@kayaktrack/firmware/wire";
import { describe, expect, it } from "vitest";
import { jsonInit, T0, testService } from "../testing.ts";

const TYPE = "application/vnd.kayaktrack.batch";
const fix = (i: number) => ({ time: T0 + i * 10, lat: 59.9 + i * 1e-4, lon: 10.7, alt: 2, speed: 1.5, course: 90, hdop: 0.9, sats: 8 });

type S = ReturnType<typeof testService>;
/** A compact batch from the test device, as the firmware encodes it, with an SOS state. */
const batch = (s: S, seq: number, fixes: ReturnType<typeof fix>[], sos?: number) =>
  s.app.request("/api/v1/batches", {
    method: "POST",
    headers: { "Content-Type": TYPE, ...s.bearer(s.device.token) },
    body: encodeBatch({ device: s.device.id, seq, batteryVolts: 3.9, counters: [], ...(sos !== undefined && { sos }) }, fixes),
  });
const alertsOf = async (s: S) => (await (await s.app.request(`/api/v1/devices/${s.device.id}/alerts`, { headers: s.admin })).json()).alerts;

describe("alerts over HTTP", () => {
  it("adds, lists and removes a device's contacts; a webhook's secret is shown once", async () => {
    const s = testService();
    const add = (body: unknown) => s.app.request(`/api/v1/devices/${s.device.id}/contacts`, jsonInit(body, s.admin));
    const res = await add({ kind: "webhook", target: "https://example.org/hook", name: "home" });
    expect(res.status).toBe(201);
    const hook = await res.json();
    expect(hook).toMatchObject({ kind: "webhook", target: "https://example.org/hook", name: "home", device: s.device.id, secret: expect.stringMatching(/^[\w-]{32}$/) });
    expect((await add({ kind: "ntfy", target: "https://ntfy.sh/kari-kayak" })).status).toBe(201);
    const list = await (await s.app.request(`/api/v1/devices/${s.device.id}/contacts`, { headers: s.admin })).json();
    expect(list.contacts.map((c: Record<string, unknown>) => [c.kind, c.target, "secret" in c])).toEqual([
      ["webhook", "https://example.org/hook", false],
      ["ntfy", "https://ntfy.sh/kari-kayak", false],
    ]);
    expect((await s.app.request(`/api/v1/contacts/${hook.id}`, { method: "DELETE", headers: s.admin })).status).toBe(204);
    expect((await s.app.request(`/api/v1/contacts/${hook.id}`, { method: "DELETE", headers: s.admin })).status).toBe(404);
    expect((await s.app.request(`/api/v1/devices/${s.device.id}/contacts`, { headers: s.bearer(s.device.token) })).status).toBe(401);
  });

  it("refuses a contact it could not notify, saying why", async () => {
    const s = testService();
    const add = async (body: unknown) => {
      const res = await s.app.request(`/api/v1/devices/${s.device.id}/contacts`, jsonInit(body, s.admin));
      return [res.status, (await res.json()).detail];
    };
    expect(await add({ kind: "sms", target: "+4712345678" })).toEqual([400, "'kind' must be one of webhook, email, ntfy"]);
    expect(await add({ kind: "webhook", target: "ftp://example.org/x" })).toEqual([400, "'target' must be an http:// or https:// URL"]);
    expect(await add({ kind: "webhook", target: "not a url" })).toEqual([400, "'target' must be an http:// or https:// URL"]);
    expect(await add({ kind: "ntfy", target: "https://ntfy.sh/" })).toEqual([400, "'target' must be an ntfy topic URL, such as https://ntfy.sh/kari-kayak"]);
    expect(await add({ kind: "email", target: "mum at home" })).toEqual([400, "'target' must be an e-mail address"]);
    // No SMTP server configured: an e-mail contact would never hear anything.
    const [status, detail] = await add({ kind: "email", target: "mum@example.org" });
    expect([status, detail]).toEqual([409, expect.stringContaining("KAYAKTRACK_SMTP_URL")]);
    expect((await s.app.request(`/api/v1/devices/99/contacts`, jsonInit({ kind: "webhook", target: "https://x.org" }, s.admin))).status).toBe(404);
  });

  it("raises an SOS from a tracker's version 3 batch once, at its last fix, and clears it with the cancel", async () => {
    const s = testService();
    await s.deps.store.alerts.addContact({ deviceId: s.device.id, kind: "webhook", target: "http://127.0.0.1:9/hook", name: null });
    expect((await batch(s, 1, [fix(0), fix(1)])).status).toBe(200);
    expect(await alertsOf(s)).toEqual([]);
    const res = await batch(s, 2, [fix(2), fix(3)], SOS_ON);
    expect([res.status, await res.text()]).toEqual([200, "A 2 2 0 0\n"]);
    const [sos] = await alertsOf(s);
    expect(sos).toMatchObject({ kind: "sos", source: "tracker", clearedAt: null, raisedAt: new Date((T0 + 30) * 1000).toISOString(), position: { lat: 59.9003, lon: 10.7 } });
    expect(sos.deliveries).toMatchObject([{ event: "raised" }]);
    // Resent (no acknowledgement reached the tracker), and the next batch while it stands: one alert.
    expect((await (await batch(s, 2, [fix(2), fix(3)], SOS_ON)).text())).toBe("A 2 2 0 0\n");
    expect((await batch(s, 3, [fix(4)], SOS_ON)).status).toBe(200);
    expect(await alertsOf(s)).toHaveLength(1);
    expect((await batch(s, 4, [fix(5)], SOS_CANCELLED)).status).toBe(200);
    const [cleared] = await alertsOf(s);
    expect(cleared).toMatchObject({ id: sos.id, clearedAt: new Date((T0 + 50) * 1000).toISOString() });
    expect(cleared.deliveries.map((d: { event: string }) => d.event)).toEqual(["raised", "cleared"]);
    // An old SOS batch arriving after the cancel raises nothing.
    expect((await batch(s, 3, [fix(4)], SOS_ON)).status).toBe(200);
    expect(await alertsOf(s)).toHaveLength(1);
    expect((await (await s.app.request("/api/v1/alerts", { headers: s.admin })).json()).alerts).toEqual([]);
  });

  it("orders a batch of no fixes by the tracker's clock in its seq: a cancel sent so clears the SOS it follows", async () => {
    const s = testService();
    await batch(s, 1, [fix(0)]);
    const base = 2 ** 52;
    expect((await batch(s, base + (T0 + 5) * 10, [], SOS_ON)).status).toBe(200);
    const [sos] = await alertsOf(s);
    expect(sos.raisedAt).toBe(new Date((T0 + 5) * 1000).toISOString());
    expect((await batch(s, base + (T0 + 65) * 10, [], SOS_CANCELLED)).status).toBe(200);
    expect((await alertsOf(s))[0].clearedAt).toBe(new Date((T0 + 65) * 1000).toISOString());
  });

  it("raises an SOS sent before the GPS has a fix at the device's latest position", async () => {
    const s = testService();
    await batch(s, 1, [fix(0)]);
    const before = Date.now();
    expect((await batch(s, 9, [], SOS_ON)).status).toBe(200);
    const [sos] = await alertsOf(s);
    expect(sos.position).toEqual({ lat: 59.9, lon: 10.7, time: new Date(T0 * 1000).toISOString() });
    expect(Date.parse(sos.raisedAt)).toBeGreaterThanOrEqual(before);
  });

  it("raises an SOS from Traccar Client's alarm=sos in the query, a form or JSON, and the admin acknowledges and clears it", async () => {
    for (const send of [
      // Traccar Client for Android and iOS: every field in the query of a POST.
      (s: S) => s.app.request(`/api/v1/osmand?id=${s.device.id}&token=${s.device.token}&timestamp=${T0}&lat=59.95&lon=10.75&speed=0&alarm=sos`, { method: "POST" }),
      // The Flutter app's SDK: a form body.
      (s: S) => s.app.request(`/api/v1/osmand`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `id=${s.device.token}&lat=59.95&lon=10.75&timestamp=${T0}&alarm=sos` }),
      // JSON with location.alarm, as Traccar's own decoder reads it.
      (s: S) => s.app.request(`/api/v1/osmand`, jsonInit({ device_id: s.device.token, location: { timestamp: new Date(T0 * 1000).toISOString(), coords: { latitude: 59.95, longitude: 10.75 }, alarm: "sos" } })),
    ]) {
      const s = testService();
      expect((await send(s)).status).toBe(200);
      const [sos] = await alertsOf(s);
      expect(sos).toMatchObject({ kind: "sos", source: "osmand", position: { lat: 59.95, lon: 10.75 }, acknowledgedAt: null, clearedAt: null });
      expect(s.fixes()).toHaveLength(1);
      const acked = await (await s.app.request(`/api/v1/alerts/${sos.id}/ack`, { method: "POST", headers: s.admin })).json();
      expect(acked.acknowledgedAt).not.toBeNull();
      const cleared = await (await s.app.request(`/api/v1/alerts/${sos.id}/clear`, { method: "POST", headers: s.admin })).json();
      expect(cleared.clearedAt).not.toBeNull();
      expect((await s.app.request(`/api/v1/alerts/${sos.id + 1}/clear`, { method: "POST", headers: s.admin })).status).toBe(404);
    }
  });

  it("takes a position without an alarm, or with another, as no SOS; nor OwnTracks' manual report (t=u), as OwnTracks has no SOS", async () => {
    const s = testService();
    // OwnTracks' booklet (docs/tech/json.md): `t` is what triggered a report; "u" is a publish the user asked for.
    const ot = await s.app.request("/api/v1/owntracks", jsonInit({ _type: "location", lat: 59.9, lon: 10.7, tst: T0 - 5, t: "u", tid: "kk" }, s.basic(s.device.id, s.device.token)));
    expect(ot.status).toBe(200);
    await s.app.request(`/api/v1/osmand?id=${s.device.id}&token=${s.device.token}&timestamp=${T0}&lat=59.95&lon=10.75`, { method: "POST" });
    await s.app.request(`/api/v1/osmand?id=${s.device.id}&token=${s.device.token}&timestamp=${T0 + 1}&lat=59.95&lon=10.75&alarm=lowBattery`, { method: "POST" });
    expect(await alertsOf(s)).toEqual([]);
  });

  it("sets and reads a device's alert rules, refusing ones it cannot watch", async () => {
    const s = testService();
    const url = `/api/v1/devices/${s.device.id}/alert-rules`;
    expect(await (await s.app.request(url, { headers: s.admin })).json()).toEqual({ overdueMin: null, returnBy: null, route: null, stillMin: null, stillRadiusM: 50, area: null });
    const put = await s.app.request(url, jsonInit({ overdueMin: 45, stillMin: 15, area: { circle: { lat: 59.9, lon: 10.7, radiusM: 3000 } } }, s.admin, "PUT"));
    expect(put.status).toBe(200);
    expect(await (await s.app.request(url, { headers: s.admin })).json()).toMatchObject({ overdueMin: 45, stillMin: 15, area: { circle: { radiusM: 3000 } } });
    const bad = await s.app.request(url, jsonInit({ stillMin: -1 }, s.admin, "PUT"));
    expect([bad.status, (await bad.json()).detail]).toEqual([400, "'stillMin' must be whole minutes from 1 to 120"]);
    expect((await s.app.request(url, jsonInit({}, s.bearer(s.device.token), "PUT"))).status).toBe(401);
  });
});
