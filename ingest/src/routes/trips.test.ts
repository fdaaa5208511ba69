import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixAt } from "../store/store.contract.ts";
import { T0, testService } from "../testing.ts";

const SCHEMA = join(import.meta.dirname, "../export/testdata/gpx-1.1.xsd");

/** A service whose device paddled two trips (10 min apart by 2 h), 600 fixes each, heading east at ~1.1 m/s. */
function twoTrips() {
  const s = testService();
  const leg = (t0: number, lon0: number) =>
    Array.from({ length: 600 }, (_, i) => fixAt(t0 + i, { lon: lon0 + i * 1e-5, alt: i % 7, speed: 1.1, course: 90 }));
  s.store.write([{ deviceId: s.device.id, source: "batch", fixes: [...leg(T0, 10), ...leg(T0 + 7200, 10.1)] }]);
  return s;
}

async function get(s: ReturnType<typeof testService>, path: string) {
  const res = await s.app.request(path, { headers: s.admin });
  return { res, text: await res.text() };
}

describe("trips", () => {
  it("lists a device's trips with statistics, and shows one with a display line", async () => {
    const s = twoTrips();
    const { res, text } = await get(s, `/api/v1/devices/${s.device.id}/trips`);
    expect(res.status).toBe(200);
    const { trips } = JSON.parse(text);
    expect(trips).toHaveLength(2);
    expect(trips[0]).toMatchObject({ deviceId: s.device.id, start: new Date(T0 * 1000).toISOString(), fixes: 600, durationS: 599, minAlt: 0, maxAlt: 6 });
    expect(trips[0].distanceM).toBeGreaterThan(330);
    const one = JSON.parse((await get(s, `/api/v1/trips/${trips[1].id}`)).text);
    expect(one).toMatchObject({ id: trips[1].id, fixes: 600, line: { type: "LineString" } });
    // A straight line simplifies to its ends.
    expect(one.line.coordinates).toEqual([[10.1, 59.9], [10.1 + 599e-5, 59.9]]);
    // The map's track keeps every fix of so short a trip, with times, altitudes and speeds.
    expect(one.track.time).toHaveLength(600);
    expect(one.track).toMatchObject({ time: expect.arrayContaining([T0 + 7200, T0 + 7799]), lon: expect.any(Array), lat: expect.any(Array) });
    expect(one.track.speed[5]).toBe(1.1);
    expect(one.track.alt[5]).toBe(5);
  });

  it("recomputes when late fixes arrive: a fix in the gap joins the trips", async () => {
    const s = twoTrips();
    const before = JSON.parse((await get(s, `/api/v1/devices/${s.device.id}/trips`)).text).trips;
    const bridge = Array.from({ length: 66 }, (_, i) => fixAt(T0 + 600 + i * 100, { lon: 10.006 + i * 0.0014 }));
    s.store.write([{ deviceId: s.device.id, source: "batch", fixes: bridge }]);
    const after = JSON.parse((await get(s, `/api/v1/devices/${s.device.id}/trips`)).text).trips;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before[0].id, fixes: 1266 }); // the first trip keeps its id
    expect((await get(s, `/api/v1/trips/${before[1].id}`)).res.status).toBe(404);
  });

  it("exports a trip as GPX that the official GPX 1.1 schema accepts", async () => {
    const s = twoTrips();
    const [trip] = JSON.parse((await get(s, `/api/v1/devices/${s.device.id}/trips`)).text).trips;
    const { res, text } = await get(s, `/api/v1/trips/${trip.id}.gpx`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/gpx+xml");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="trip-${trip.id}.gpx"`);
    expect(text.match(/<trkpt /g)).toHaveLength(600);
    const file = join(mkdtempSync(join(tmpdir(), "kt-gpx-")), "trip.gpx");
    writeFileSync(file, text);
    // Throws (with xmllint's message) when the file does not validate.
    execFileSync("xmllint", ["--noout", "--schema", SCHEMA, file], { stdio: "pipe" });
  });

  it("exports GeoJSON, KML and CSV, and a device's time range", async () => {
    const s = twoTrips();
    const [trip] = JSON.parse((await get(s, `/api/v1/devices/${s.device.id}/trips`)).text).trips;
    const geo = JSON.parse((await get(s, `/api/v1/trips/${trip.id}.geojson`)).text);
    const line = geo.features[0];
    expect(line.geometry.coordinates).toHaveLength(600);
    expect(line.geometry.coordinates[1]).toEqual([10.00001, 59.9, 1]);
    expect(line.properties.coordTimes[1]).toBe(new Date((T0 + 1) * 1000).toISOString().replace(".000Z", "Z"));
    const kml = (await get(s, `/api/v1/trips/${trip.id}.kml`)).text;
    expect(kml.match(/<when>/g)).toHaveLength(600);
    expect(kml.indexOf("<gx:coord>")).toBeGreaterThan(kml.lastIndexOf("<when>"));
    const csv = (await get(s, `/api/v1/trips/${trip.id}.csv`)).text.trim().split("\r\n");
    expect(csv).toHaveLength(601);
    expect(csv[2]).toBe(`${new Date((T0 + 1) * 1000).toISOString().replace(".000Z", "Z")},59.9,10.00001,1,1.1,90,0.9,9,,,batch`);
    const range = (await get(s, `/api/v1/devices/${s.device.id}/export.csv?from=${T0 + 10}&to=${T0 + 7205}`)).text.trim().split("\r\n");
    expect(range).toHaveLength(1 + 590 + 6);
  });

  it("exports a range of one fix as a GeoJSON Point and an empty range as no feature (a LineString needs two positions)", async () => {
    const s = twoTrips();
    const one = JSON.parse((await get(s, `/api/v1/devices/${s.device.id}/export.geojson?from=${T0 + 1}&to=${T0 + 1}`)).text);
    expect(one.features).toEqual([
      { type: "Feature", geometry: { type: "Point", coordinates: [10.00001, 59.9, 1] }, properties: { name: "kayak", time: new Date((T0 + 1) * 1000).toISOString().replace(".000Z", "Z") } },
    ]);
    const none = JSON.parse((await get(s, `/api/v1/devices/${s.device.id}/export.geojson?from=${T0 - 100}&to=${T0 - 50}`)).text);
    expect(none).toEqual({ type: "FeatureCollection", features: [] });
  });

  it("answers 404 for an unknown trip, device or format, 400 for a bad zoom, and 401 without the admin token", async () => {
    const s = twoTrips();
    const [trip] = JSON.parse((await get(s, `/api/v1/devices/${s.device.id}/trips`)).text).trips;
    for (const path of [`/api/v1/trips/999`, `/api/v1/trips/${trip.id}.shp`, `/api/v1/devices/99/trips`, `/api/v1/devices/99/export.gpx`]) {
      expect((await get(s, path)).res.status, path).toBe(404);
    }
    expect((await get(s, `/api/v1/trips/${trip.id}?zoom=40`)).res.status).toBe(400);
    expect((await s.app.request(`/api/v1/trips/${trip.id}.gpx`)).status).toBe(401);
    expect((await s.app.request(`/api/v1/trips/${trip.id}`, { headers: s.bearer(s.device.token) })).status).toBe(401);
  });
});
