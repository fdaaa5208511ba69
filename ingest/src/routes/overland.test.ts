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

/**
 * The records Overland puts into `locations` besides positions, as Overland-iOS
 * builds them (GPSLogger/GLManager.m at 5f2a5be: -writeTripToDB:steps:, -locationManager:didVisit:,
 * -logAction:, -currentDictionaryFromLocation:), in one batch as the app sends it.
 */
const OVERLAND_BATCH = {
  locations: [
    { type: "Feature", geometry: { type: "Point", coordinates: [13.3776999, 52.5162999] },
      properties: { timestamp: "2024-05-01T10:00:00Z", altitude: 34, speed: 2, course: 271, horizontal_accuracy: 5, vertical_accuracy: 3, speed_accuracy: 0.5,
        course_accuracy: 12.3, motion: ["walking"], battery_state: "unplugged", battery_level: 0.57, device_id: "kayak1", trip_id: "2024-05-01T09:30:00Z" } },
    { type: "Feature", geometry: { type: "Point", coordinates: [13.3777, 52.5163] },
      properties: { timestamp: "2024-05-01T10:00:05Z", altitude: 0, speed: -1, course: -1, horizontal_accuracy: 65, vertical_accuracy: -1, speed_accuracy: -1,
        course_accuracy: -1, motion: [], battery_state: "unplugged", battery_level: 0.71, device_id: "kayak1" } },
    { type: "Feature", geometry: { type: "Point", coordinates: [13.38, 52.52] },
      properties: { timestamp: "2024-05-01T10:20:00Z", action: "visit", arrival_date: "2024-05-01T10:05:00Z", departure_date: null, horizontal_accuracy: 35,
        battery_state: "unplugged", battery_level: 0.7, device_id: "kayak1" } },
    // An app event before any location: no geometry at all.
    { type: "Feature", properties: { timestamp: "2024-05-01T10:21:00Z", action: "paused_location_updates", battery_state: "unplugged", battery_level: 0.7, device_id: "kayak1" } },
    { type: "Feature", geometry: { type: "Point", coordinates: [13.3777, 52.5163] },
      properties: { timestamp: "2024-05-01T10:30:00Z", type: "trip", mode: "boat", start: "2024-05-01T09:30:00Z", end: "2024-05-01T10:30:00Z", start_location: null,
        end_location: null, duration: 3600.2, distance: 5210.7, stopped_automatically: false, steps: 0, battery_state: "unplugged", battery_level: 0.7, device_id: "kayak1" } },
    // horizontal_accuracy < 0: CoreLocation says the coordinates themselves are invalid.
    { type: "Feature", geometry: { type: "Point", coordinates: [0, 0] },
      properties: { timestamp: "2024-05-01T10:31:00Z", altitude: 0, speed: -1, course: -1, horizontal_accuracy: -1, vertical_accuracy: -1, battery_level: 0.7 } },
  ],
  trip: { mode: "boat", start: "2024-05-01T09:30:00Z", distance: 5210.7, start_location: null, current_location: null },
};

describe("Overland's batches as the app builds them", () => {
  it("stores the positions only; a trip summary, a visit and an app event are counted apart, not stored or rejected", async () => {
    const s = testService();
    const res = await s.app.request("/api/v1/overland", jsonInit(OVERLAND_BATCH, s.bearer(s.device.token)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: "ok" });
    expect(res.headers.get("x-kayaktrack-not-positions")).toBe("3");
    expect(res.headers.get("x-kayaktrack-rejected")).toBe("1");
    const fixes = s.fixes();
    expect(fixes.map((f) => new Date(f.time * 1000).toISOString())).toEqual(["2024-05-01T10:00:00.000Z", "2024-05-01T10:00:05.000Z"]);
    // Battery 0.57 × 100 without float noise; vertical_accuracy -1: altitude unknown, not 0.
    expect(fixes[0]).toMatchObject({ battery: 57, alt: 34, accuracy: 5 });
    expect(fixes[1]).toMatchObject({ alt: null, speed: null, course: null, battery: 71 });
    const metrics = await (await s.app.request("/metrics")).text();
    for (const kind of ["trip", "visit", "event"]) expect(metrics).toContain(`kayaktrack_messages_not_positions_total{source="overland",kind="${kind}"} 1`);
    expect(metrics).toContain('kayaktrack_fixes_rejected_total{reason="invalid"} 1');
  });

  it("takes the URL with a trailing slash, as the app's receiver endpoint field invites", async () => {
    const s = testService();
    const res = await s.app.request("/api/v1/overland/", jsonInit({ locations: [feature(0)] }, s.bearer(s.device.token)));
    expect(res.status).toBe(200);
    expect(s.fixes()).toHaveLength(1);
  });
});
