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
