import { describe, expect, it } from "vitest";
import { jsonInit, T0, testService } from "../testing.ts";

describe("/api/v1/admin/devices", () => {
  it("adds a device whose token works at once, lists it, and revokes it", async () => {
    const s = testService();
    const res = await s.app.request("/api/v1/admin/devices", jsonInit({ name: "sea kayak" }, s.admin));
    expect(res.status).toBe(201);
    const added = await res.json();
    expect(added).toMatchObject({ name: "sea kayak", id: expect.any(Number), token: expect.any(String) });

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
    for (const name of ["", "   ", 7, "x".repeat(101), "bell\u0007"]) {
      const res = await s.app.request("/api/v1/admin/devices", jsonInit({ name }, s.admin));
      expect(res.status).toBe(400);
    }
    expect((await s.app.request("/api/v1/admin/devices/999", { method: "DELETE", headers: s.admin })).status).toBe(404);
    expect((await s.app.request("/api/v1/admin/devices", jsonInit({ name: "x" }, s.bearer(s.device.token)))).status).toBe(401);
    expect((await s.app.request("/api/v1/admin/devices", jsonInit({ name: "x" }))).status).toBe(401);
  });
});
