import { describe, expect, it } from "vitest";
import { jsonInit, T0, testService } from "../testing.ts";
import { deviceStatus, ONLINE_MS } from "../device-json.ts";

async function post(s: ReturnType<typeof testService>, times: number[]) {
  const fixes = times.map((t) => ({ time: t, lat: 59.9, lon: 10.7 + (t - T0) * 1e-4 }));
  const seq = Math.floor(Math.random() * 1e9);
  const res = await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq, fixes }, s.bearer(s.device.token)));
  expect(res.status).toBe(200);
}

describe("GET /api/v1/devices", () => {
  it("lists devices with their latest position, which late fixes never move backwards", async () => {
    const s = testService();
    await post(s, [T0 + 100]);
    await post(s, [T0 + 10]);
    const res = await s.app.request("/api/v1/devices", { headers: s.admin });
    expect(res.status).toBe(200);
    const { devices } = await res.json();
    expect(devices).toHaveLength(2);
    expect(devices[0]).toMatchObject({ id: s.device.id, name: "kayak", revoked: false, latest: { time: T0 + 100 } });
    expect(devices[0].lastSeen).toMatch(/^\d{4}-/);
    expect(devices[1].latest).toBeNull();
  });

  it("tells each device's status and the battery its latest fix reported", async () => {
    const s = testService();
    const now = Math.floor(Date.now() / 1000);
    const res = await s.app.request("/api/v1/overland", jsonInit({ locations: [{ type: "Feature", geometry: { type: "Point", coordinates: [10.7, 59.9] }, properties: { timestamp: new Date(now * 1000).toISOString(), battery_level: 0.8 } }] }, s.bearer(s.device.token)));
    expect(res.status).toBe(200);
    await s.app.request(`/api/v1/admin/devices/${s.other.id}`, { method: "DELETE", headers: s.admin });
    const { devices } = await (await s.app.request("/api/v1/devices", { headers: s.admin })).json();
    expect(devices[0]).toMatchObject({ status: "online", battery: 80, batteryVolts: null });
    expect(devices[1]).toMatchObject({ status: "revoked", battery: null, batteryVolts: null });
  });

  it("needs the admin token, not a device token", async () => {
    const s = testService();
    for (const headers of [{}, s.bearer(s.device.token), s.bearer("admin"), s.basic("admin", "x")]) {
      const res = await s.app.request("/api/v1/devices", { headers });
      expect(res.status).toBe(401);
      expect((await res.json()).error).toBe("unauthorized");
    }
    expect((await s.app.request(`/api/v1/devices/${s.device.id}/fixes`, { headers: s.bearer(s.device.token) })).status).toBe(401);
  });
});

describe("deviceStatus", () => {
  it("is new before the first upload, online for ONLINE_MS after one, then offline; revoked wins", () => {
    const d = { id: 1, name: "k", createdAt: 0, revokedAt: null, lastSeenAt: null, trackerSettings: null, batteryVolts: null, latest: null };
    expect(deviceStatus(d, 1e12)).toBe("new");
    expect(deviceStatus({ ...d, lastSeenAt: 1e12 - ONLINE_MS }, 1e12)).toBe("online");
    expect(deviceStatus({ ...d, lastSeenAt: 1e12 - ONLINE_MS - 1 }, 1e12)).toBe("offline");
    expect(deviceStatus({ ...d, lastSeenAt: 1e12, revokedAt: 1e12 }, 1e12)).toBe("revoked");
  });
});

describe("GET /api/v1/devices/:id/fixes", () => {
  it("returns a time-ordered GeoJSON FeatureCollection", async () => {
    const s = testService();
    await post(s, [T0 + 3, T0 + 1, T0 + 2]);
    const res = await s.app.request(`/api/v1/devices/${s.device.id}/fixes`, { headers: s.admin });
    const fc = await res.json();
    expect(fc.type).toBe("FeatureCollection");
    expect(fc.features.map((f: { properties: { time: number } }) => f.properties.time)).toEqual([T0 + 1, T0 + 2, T0 + 3]);
    expect(fc.features[0].geometry.type).toBe("Point");
    expect(fc.features[0].geometry.coordinates[0]).toBeCloseTo(10.7001, 9);
    expect(fc.features[0].geometry.coordinates[1]).toBe(59.9);
    expect(fc.next).toBeNull();
  });

  it("filters by from/to as ISO 8601 or epoch seconds", async () => {
    const s = testService();
    await post(s, [T0, T0 + 60, T0 + 120, T0 + 180]);
    const iso = (t: number) => new Date(t * 1000).toISOString();
    for (const q of [`from=${T0 + 60}&to=${T0 + 120}`, `from=${iso(T0 + 60)}&to=${iso(T0 + 120)}`]) {
      const fc = await (await s.app.request(`/api/v1/devices/${s.device.id}/fixes?${q}`, { headers: s.admin })).json();
      expect(fc.features).toHaveLength(2);
    }
  });

  it("pages with limit and the `next` link until every fix was seen once", async () => {
    const s = testService();
    await post(s, Array.from({ length: 25 }, (_, i) => T0 + i));
    const seen: number[] = [];
    let url: string | null = `/api/v1/devices/${s.device.id}/fixes?limit=10`;
    while (url) {
      const fc: { features: Array<{ properties: { time: number } }>; next: string | null } = await (
        await s.app.request(url, { headers: s.admin })
      ).json();
      seen.push(...fc.features.map((f) => f.properties.time));
      url = fc.next;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => T0 + i));
  });

  it.each(["from=yesterday", "to=12abc", "limit=0", "limit=10001", "limit=x", "cursor=abc"])("answers ?%s with 400", async (q) => {
    const s = testService();
    const res = await s.app.request(`/api/v1/devices/${s.device.id}/fixes?${q}`, { headers: s.admin });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe("bad query");
  });

  it("answers 404 for an unknown device", async () => {
    const s = testService();
    for (const id of ["999", "abc", "0", "..%2F..%2Fetc"]) {
      expect((await s.app.request(`/api/v1/devices/${id}/fixes`, { headers: s.admin })).status).toBe(404);
    }
  });
});
