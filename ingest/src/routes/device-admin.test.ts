import { describe, expect, it } from "vitest";
import { BATCH_MEDIA_TYPE, encodeBatch } from "@kayaktrack/firmware/wire";
import { jsonInit, T0, testService } from "../testing.ts";

describe("/api/v1/admin/devices", () => {
  it("adds a device whose token works at once, lists it, and revokes it", async () => {
    const s = testService();
    const res = await s.app.request("/api/v1/admin/devices", jsonInit({ name: "sea kayak" }, s.admin));
    expect(res.status).toBe(201);
    const added = await res.json();
    expect(added).toMatchObject({ name: "sea kayak", id: expect.any(Number), token: expect.any(String) });
    const emoji = await s.app.request("/api/v1/admin/devices", jsonInit({ name: "Ida's 🛶" }, s.admin));
    expect(emoji.status).toBe(201);

    const up = () =>
      s.app.request(`/api/v1/osmand?id=${added.id}&token=${added.token}&lat=1&lon=2&timestamp=${T0}`, { method: "POST" });
    expect((await up()).status).toBe(200);

    const list = await (await s.app.request("/api/v1/admin/devices", { headers: s.admin })).json();
    expect(list.devices.map((d: { name: string }) => d.name)).toContain("sea kayak");
    // The token is never shown again.
    expect(JSON.stringify(list)).not.toContain(added.token);

    const del = await s.app.request(`/api/v1/admin/devices/${added.id}`, { method: "DELETE", headers: s.admin });
    expect(await del.json()).toEqual({ id: added.id, revoked: true });
    expect((await up()).status).toBe(401);
    // Its fixes stay.
    expect(s.fixes(added.id)).toHaveLength(1);
  });

  it("refuses bad names, unknown ids and requests without the admin token", async () => {
    const s = testService();
    for (const name of ["", "   ", 7, "x".repeat(101), "bell\u0007", "c1\u0085", "lone\ud800", "not\uffff", "not\ufffe"]) {
      const res = await s.app.request("/api/v1/admin/devices", jsonInit({ name }, s.admin));
      expect(res.status).toBe(400);
    }
    expect((await s.app.request("/api/v1/admin/devices/999", { method: "DELETE", headers: s.admin })).status).toBe(404);
    expect((await s.app.request("/api/v1/admin/devices", jsonInit({ name: "x" }, s.bearer(s.device.token)))).status).toBe(401);
    expect((await s.app.request("/api/v1/admin/devices", jsonInit({ name: "x" }))).status).toBe(401);
  });

  it("sets a tracker's upload intervals, which reach it in every acknowledgement", async () => {
    const s = testService();
    const patch = (body: unknown) => s.app.request(`/api/v1/admin/devices/${s.device.id}`, jsonInit(body, s.admin, "PATCH"));
    const res = await patch({ trackerSettings: { uploadEveryS: 300, uploadAfterFixes: 60 } });
    expect(res.status).toBe(200);
    expect((await res.json()).trackerSettings).toEqual({ uploadEveryS: 300, uploadAfterFixes: 60 });
    const batch = encodeBatch({ device: s.device.id, seq: 1, batteryVolts: null, counters: [] }, [{ time: T0, lat: 59.9, lon: 10.7, alt: null, speed: null, course: null, hdop: null, sats: null }]);
    const ack = await s.app.request("/api/v1/batches", { method: "POST", headers: { "Content-Type": BATCH_MEDIA_TYPE, ...s.bearer(s.device.token) }, body: batch });
    expect(await ack.text()).toBe("A 1 1 0 0 every=300 after=60\n");
    for (const bad of [{ uploadEveryS: 10 }, { uploadAfterFixes: 1.5 }, { colour: 1 }, 7]) expect((await patch({ trackerSettings: bad })).status).toBe(400);
    expect((await patch({})).status).toBe(400);
    expect((await s.app.request("/api/v1/admin/devices/999", jsonInit({ trackerSettings: null }, s.admin, "PATCH"))).status).toBe(404);
    expect((await (await patch({ trackerSettings: null })).json()).trackerSettings).toBeNull();
  });
});
