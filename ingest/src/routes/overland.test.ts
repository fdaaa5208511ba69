import { describe, expect, it } from "vitest";
import { jsonInit, T0, testService } from "../testing.ts";

const feature = (i: number, props: Record<string, unknown> = {}) => ({
  type: "Feature",
  geometry: { type: "Point", coordinates: [10.7 + i * 1e-4, 59.9] },
  properties: { timestamp: new Date((T0 + i) * 1000).toISOString(), altitude: 3, speed: 2, course: 90, horizontal_accuracy: 5, battery_level: 0.8, ...props },
});

describe("POST /api/v1/overland", () => {
  it("stores the locations of a batch and replies {result: ok}", async () => {
    const s = testService();
    const res = await s.app.request("/api/v1/overland", jsonInit({ locations: [feature(0), feature(1)] }, s.bearer(s.device.token)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: "ok" });
    expect(s.fixes()).toHaveLength(2);
    expect(s.fixes()[0]).toMatchObject({ time: T0, lon: 10.7, lat: 59.9, alt: 3, speed: 2, accuracy: 5, battery: 80, source: "overland" });
  });

  it("takes the token as access_token too, and treats iOS's -1 speed as unknown", async () => {
    const s = testService();
    const res = await s.app.request(`/api/v1/overland?access_token=${s.device.token}`, jsonInit({ locations: [feature(0, { speed: -1, course: -1 })] }));
    expect(res.status).toBe(200);
    expect(s.fixes()[0]).toMatchObject({ speed: null, course: null });
  });

  it("reads timestamps with a numeric offset, as in Overland's README", async () => {
    const s = testService();
    await s.app.request("/api/v1/overland", jsonInit({ locations: [feature(0, { timestamp: "2023-11-14T15:13:20-0700" })] }, s.bearer(s.device.token)));
    expect(s.fixes()[0]!.time).toBe(T0);
  });

  it("drops broken features but stores the rest of the batch", async () => {
    const s = testService();
    const locations = [feature(0), { type: "Feature", geometry: { type: "LineString", coordinates: [] } }, feature(2, { timestamp: "yesterday" }), 7, feature(3)];
    const res = await s.app.request("/api/v1/overland", jsonInit({ locations }, s.bearer(s.device.token)));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-kayaktrack-rejected")).toBe("3");
    expect(s.fixes()).toHaveLength(2);
  });

  it("answers 401 for an unknown token, 400 without locations", async () => {
    const s = testService();
    expect((await s.app.request("/api/v1/overland", jsonInit({ locations: [] }, s.bearer("nope")))).status).toBe(401);
    expect((await s.app.request("/api/v1/overland", jsonInit({ locations: [] }))).status).toBe(401);
    expect((await s.app.request("/api/v1/overland", jsonInit({ points: [] }, s.bearer(s.device.token)))).status).toBe(400);
  });
});
