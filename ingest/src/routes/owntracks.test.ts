import { describe, expect, it } from "vitest";
import { jsonInit, T0, testService } from "../testing.ts";

describe("POST /api/v1/owntracks", () => {
  it("stores a location (vel in km/h) and replies []", async () => {
    const s = testService();
    const body = { _type: "location", lat: 59.9, lon: 10.7, tst: T0, acc: 8, alt: 3, vel: 9, cog: 270, batt: 64, tid: "kk" };
    const res = await s.app.request("/api/v1/owntracks", jsonInit(body, s.basic(s.device.id, s.device.token)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    expect(s.fixes()[0]).toMatchObject({ time: T0, lat: 59.9, lon: 10.7, speed: 2.5, course: 270, accuracy: 8, battery: 64, source: "owntracks" });
  });

  it("accepts and ignores other message types and the empty body of a deleted friend", async () => {
    const s = testService();
    const empty = await s.app.request("/api/v1/owntracks", jsonInit("", s.basic(s.device.id, s.device.token)));
    expect(await empty.json()).toEqual([]);
    for (const _type of ["transition", "waypoint", "lwt", "card", "status"]) {
      const res = await s.app.request("/api/v1/owntracks", jsonInit({ _type }, s.basic(s.device.id, s.device.token)));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    }
    expect(s.fixes()).toHaveLength(0);
  });

  it("needs Basic auth with the device's own token", async () => {
    const s = testService();
    const body = { _type: "location", lat: 1, lon: 2, tst: T0 };
    for (const h of [{}, s.bearer(s.device.token), s.basic(s.device.id, "x"), s.basic(s.device.id, s.other.token), s.basic("me", s.device.token)]) {
      const res = await s.app.request("/api/v1/owntracks", jsonInit(body, h));
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/Basic/);
    }
    expect(s.fixes()).toHaveLength(0);
  });

  it("answers malformed JSON with 400 and other content types with 415", async () => {
    const s = testService();
    const h = s.basic(s.device.id, s.device.token);
    expect((await s.app.request("/api/v1/owntracks", jsonInit("{nope", h))).status).toBe(400);
    const res = await s.app.request("/api/v1/owntracks", { method: "POST", headers: { ...h, "Content-Type": "text/plain" }, body: "{}" });
    expect(res.status).toBe(415);
  });
});
