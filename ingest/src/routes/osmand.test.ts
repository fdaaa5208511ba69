import { describe, expect, it } from "vitest";
import { jsonInit, T0, testService } from "../testing.ts";

describe("/api/v1/osmand (Traccar Client)", () => {
  it("takes a fix from the query string of a POST with an empty body, speed in knots", async () => {
    const s = testService();
    const q = `id=${s.device.id}&token=${s.device.token}&timestamp=${T0}&lat=59.91&lon=10.75&speed=2&bearing=45&altitude=4&accuracy=5&batt=77`;
    const res = await s.app.request(`/api/v1/osmand?${q}`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(s.fixes()).toEqual([
      expect.objectContaining({ time: T0, lat: 59.91, lon: 10.75, course: 45, alt: 4, accuracy: 5, battery: 77, source: "osmand" }),
    ]);
    expect(s.fixes()[0]!.speed).toBeCloseTo((2 * 1852) / 3600, 9);
  });

  it("takes GET, a form body, `location`, `deviceid`, ISO and millisecond timestamps", async () => {
    const s = testService();
    const { id, token } = s.device;
    await s.app.request(`/api/v1/osmand?deviceid=${id}&token=${token}&location=59.1,10.1&timestamp=2023-11-14%2022:13:21`);
    await s.app.request("/api/v1/osmand", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `id=${id}&token=${token}&lat=59.2&lon=10.2&timestamp=${(T0 + 2) * 1000}`,
    });
    expect(s.fixes().map((f) => [f.time, f.lat])).toEqual([
      [T0 + 1, 59.1],
      [T0 + 2, 59.2],
    ]);
  });

  it("takes the JSON variant, speed in m/s and battery level 0-1", async () => {
    const s = testService();
    const body = {
      device_id: String(s.device.id),
      location: {
        timestamp: "2023-11-14T22:13:20.000Z",
        coords: { latitude: 59.5, longitude: 10.5, speed: 1.5, heading: 180, altitude: 2, accuracy: 4 },
        battery: { level: 0.5, is_charging: false },
      },
    };
    const res = await s.app.request(`/api/v1/osmand?token=${s.device.token}`, jsonInit(body));
    expect(res.status).toBe(200);
    const param = await s.app.request(`/api/v1/osmand?device_id=${s.device.id}&token=${s.device.token}`, jsonInit({ location: { ...body.location, timestamp: "2023-11-14T22:13:21Z" } }));
    expect(param.status).toBe(200);
    expect(s.fixes()[0]).toMatchObject({ time: T0, lat: 59.5, lon: 10.5, speed: 1.5, course: 180, battery: 50 });
    expect(s.fixes()).toHaveLength(2);
  });

  it("takes the token by Basic auth", async () => {
    const s = testService();
    const res = await s.app.request(`/api/v1/osmand?id=${s.device.id}&lat=1&lon=2&timestamp=${T0}`, {
      method: "POST",
      headers: s.basic(s.device.id, s.device.token),
    });
    expect(res.status).toBe(200);
  });

  it("stores a resent fix once", async () => {
    const s = testService();
    const url = `/api/v1/osmand?id=${s.device.id}&token=${s.device.token}&lat=1&lon=2&timestamp=${T0}`;
    for (let i = 0; i < 3; i++) expect((await s.app.request(url, { method: "POST" })).status).toBe(200);
    expect(s.fixes()).toHaveLength(1);
  });

  it("acknowledges an insane fix without storing it, so the client does not retry forever", async () => {
    const s = testService();
    const res = await s.app.request(`/api/v1/osmand?id=${s.device.id}&token=${s.device.token}&lat=100&lon=2&timestamp=${T0}`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-kayaktrack-rejected")).toBe("1");
    expect(s.fixes()).toHaveLength(0);
  });

  it("answers 400 without an id, 401 for a wrong token, 415 for another body type", async () => {
    const s = testService();
    expect((await s.app.request(`/api/v1/osmand?token=${s.device.token}&lat=1&lon=2`)).status).toBe(400);
    const wrong = await s.app.request(`/api/v1/osmand?id=${s.device.id}&token=nope&lat=1&lon=2&timestamp=${T0}`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/Basic/);
    const other = await s.app.request(`/api/v1/osmand?id=${s.device.id}&token=${s.other.token}&lat=1&lon=2&timestamp=${T0}`);
    expect(other.status).toBe(401);
    const xml = await s.app.request(`/api/v1/osmand?id=${s.device.id}&token=${s.device.token}`, {
      method: "POST",
      headers: { "Content-Type": "text/xml" },
      body: "<a/>",
    });
    expect(xml.status).toBe(415);
    expect(s.fixes()).toHaveLength(0);
  });
});

/** Counters of /metrics whose name starts with `name`, as "labels value" lines. */
async function counters(s: ReturnType<typeof testService>, name: string): Promise<string[]> {
  const text = await (await s.app.request("/metrics")).text();
  return text.split("\n").filter((l) => l.startsWith(name + "{"));
}

describe("the phone apps' own requests (each from the app's source)", () => {
  it("Traccar Client for iOS (ProtocolFormatter.swift): the app replaces the URL's query with its own, so the token goes in as the device identifier", async () => {
    const s = testService();
    // formatPostion(): components.query = "id=…&timestamp=…&lat=%.06f&lon=%.06f&speed=…&bearing=…&altitude=…&accuracy=…&batt=…"; POST, empty body.
    const q = `id=${s.device.token}&timestamp=1714557600&lat=52.516300&lon=13.377700&speed=3.88768&bearing=271.5&altitude=34.2&accuracy=5&batt=85`;
    const res = await s.app.request(`/api/v1/osmand?${q}`, { method: "POST", headers: { "Content-Length": "0" } });
    expect(res.status).toBe(200);
    expect(s.fixes()[0]).toMatchObject({ time: 1714557600, lat: 52.5163, lon: 13.3777, course: 271.5, alt: 34.2, accuracy: 5, battery: 85 });
    expect(s.fixes()[0]!.speed).toBeCloseTo(2, 3); // 3.88768 knots
    // A revoked device's token, or any other, is refused.
    expect((await s.app.request(`/api/v1/osmand?id=not-a-token&timestamp=1714557600&lat=1&lon=2`, { method: "POST" })).status).toBe(401);
    await s.deps.store.revokeDevice(s.device.id);
    expect((await s.app.request(`/api/v1/osmand?${q.replace("1714557600", "1714557601")}`, { method: "POST" })).status).toBe(401);
  });

  it("Traccar Client 10.x (traccar-client-sdk HttpUploader.kt): a form POST, the token as id; its heartbeat without a fix and its push token are no rejected fixes", async () => {
    const s = testService();
    const form = (body: string) => ({ method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8" }, body });
    const t = s.device.token;
    const fix = await s.app.request("/api/v1/osmand", form(`id=${t}&lat=52.5163&lon=13.3777&timestamp=1714557600&accuracy=4.8&altitude=34.2&speed=4.08&bearing=271.5&batt=85&charge=false&battery_health=good&battery_voltage=4012&battery_temp=27.5`));
    expect(fix.status).toBe(200);
    // TrackerEngine's heartbeat while standing still: id, timestamp, batt, charge; push_service.dart's token upload.
    const heartbeat = await s.app.request("/api/v1/osmand", form(`id=${t}&timestamp=1714557900&batt=84&charge=false`));
    const push = await s.app.request("/api/v1/osmand", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `id=${t}&notificationToken=fcm%3AAPA91bH-example-token` });
    expect([heartbeat.status, push.status]).toEqual([200, 200]);
    expect(s.fixes()).toHaveLength(1);
    expect(s.fixes()[0]!.speed).toBeCloseTo(4.08 * (1852 / 3600), 6);
    expect(await counters(s, "kayaktrack_fixes_rejected_total")).toEqual([]);
    expect(await counters(s, "kayaktrack_messages_not_positions_total")).toEqual([
      'kayaktrack_messages_not_positions_total{source="osmand",kind="heartbeat"} 1',
      'kayaktrack_messages_not_positions_total{source="osmand",kind="push-token"} 1',
    ]);
  });

  it("Traccar Client for Android (ProtocolFormatter.kt, Position.kt): accuracy=0.0 (every GPS fix) is unknown, batt=85.0 is 85", async () => {
    const s = testService();
    const q = `token=${s.device.token}&id=${s.device.id}&timestamp=1714557600&lat=52.5163&lon=13.3777&speed=4.081572&bearing=271.0&altitude=34.0&accuracy=0.0&batt=85.0&charge=true`;
    expect((await s.app.request(`/api/v1/osmand/?${q}`, { method: "POST", headers: { "Content-Length": "0" } })).status).toBe(200);
    expect(s.fixes()[0]).toMatchObject({ accuracy: null, battery: 85, alt: 34, course: 271 });
  });

  it("Traccar Client 9.x (JSON of the background-geolocation SDK): altitude_accuracy -1 leaves the altitude unknown", async () => {
    const s = testService();
    const body = {
      location: { timestamp: "2025-05-24T10:00:00.000Z", coords: { latitude: 52.5163, longitude: 13.3777, accuracy: 5, speed: 2.1, heading: 271.5, altitude: 0, altitude_accuracy: -1 },
        is_moving: true, odometer: 1234.5, event: "motionchange", battery: { level: 0.57, is_charging: false }, activity: { type: "in_vehicle" }, extras: {},
        _: `&id=${s.device.id}&lat=52.5163&lon=13.3777&timestamp=2025-05-24T10:00:00.000Z&` },
      device_id: String(s.device.id),
    };
    expect((await s.app.request(`/api/v1/osmand?token=${s.device.token}`, jsonInit(body))).status).toBe(200);
    expect(s.fixes()[0]).toMatchObject({ alt: null, speed: 2.1, battery: 57 });
  });

  it("GPSLogger (CustomUrlManager.java): /api/v1/gpslogger reads %SPD as m/s, by GET or by a POST body without Content-Type", async () => {
    const s = testService();
    // The documented URL, its placeholders filled as GPSLogger fills them (String.valueOf of Android's floats and doubles).
    const url = `/api/v1/gpslogger?id=${s.device.token}&lat=52.5163&lon=13.3777&timestamp=1714557600&altitude=34.0&speed=2.1&bearing=271.0&accuracy=0.0&batt=85.0`;
    expect((await s.app.request(url, { headers: { "User-Agent": "okhttp/4.12.0" } })).status).toBe(200);
    // Any method but GET sends the body with no Content-Type (CustomUrlWorker.java: RequestBody.create(null, body)).
    const body = `id=${s.device.token}&lat=52.5164&lon=13.3778&timestamp=1714557601&speed=2.2`;
    // (Bytes, as a string body would get fetch's default text/plain.)
    expect((await s.app.request("/api/v1/gpslogger", { method: "POST", body: new TextEncoder().encode(body) })).status).toBe(200);
    const fixes = s.fixes();
    expect(fixes.map((f) => f.speed)).toEqual([2.1, 2.2]);
    expect(fixes[0]).toMatchObject({ accuracy: null, battery: 85, source: "osmand" });
    // The same speed on the OsmAnd path is knots.
    expect((await s.app.request(url.replace("gpslogger", "osmand").replace("1714557600", "1714557602"))).status).toBe(200);
    expect(s.fixes()[2]!.speed).toBeCloseTo(2.1 * (1852 / 3600), 6);
  });
});
