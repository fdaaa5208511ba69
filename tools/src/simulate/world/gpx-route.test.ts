import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../../server-process.ts";
import { distance } from "./geo.ts";
import { gpxRoute, parseGpxPath, readGpxRoute } from "./gpx-route.ts";
import { PADDLING_SPEED } from "./paddling-speed.ts";

const gpx = (body: string) => `<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">${body}</gpx>`;
const plannedRoute = gpx(`<rte><name>plan</name>
  <rtept lat="61.1" lon="7.1"><ele>4</ele></rtept>
  <rtept lat="61.11" lon="7.1"><ele>4</ele></rtept>
  <rtept lat="61.11" lon="7.12"><ele>6</ele></rtept>
</rte><wpt lat="1" lon="1"/>`);

describe("gpxRoute", () => {
  it("follows a timed track where and when the file says, across tracks and segments", async () => {
    const route = await readGpxRoute(join(REPO, "ingest/src/import/testdata/garmin-tpx.gpx"));
    expect(route.name).toBe("garmin-tpx.gpx");
    expect(route.start).toBe(Date.parse("2024-06-01T07:58:10Z") / 1000);
    expect(route.end).toBe(Date.parse("2024-06-01T09:40:10.5Z") / 1000);
    const first = route.at(route.start);
    expect(first).toMatchObject({ lat: 59.9071349, lon: 10.7224913, alt: 2.31, moving: true });
    // the first stretch: 18.4 m in 10 s, heading a little south of east
    expect(first.speed).toBeCloseTo(distance(first, { lat: 59.9071301, lon: 10.7228212 }) / 10, 9);
    expect(first.course).toBeGreaterThan(90);
    expect(first.course).toBeLessThan(92);
    const mid = route.at(route.start + 5);
    expect(mid.lat).toBeCloseTo((59.9071349 + 59.9071301) / 2, 9);
    expect(mid.alt).toBeCloseTo((2.31 + 2.12) / 2, 9);
    expect(route.at(Date.parse("2024-06-01T09:40:05.5Z") / 1000).lon).toBeCloseTo((10.7350998 + 10.73473) / 2, 9);
  });

  it("paddles along route points without times, on the path, at paddling speed", () => {
    const route = gpxRoute(plannedRoute, { seed: 4, start: 1_700_000_000 });
    expect(route.start).toBe(1_700_000_000);
    const length = 1113 + 1073; // metres, 0.01° of latitude then 0.02° of longitude at 61.11° N
    expect(route.end - route.start).toBeGreaterThan(length / PADDLING_SPEED.max);
    expect(route.end - route.start).toBeLessThan(length / PADDLING_SPEED.min + 2);
    expect(route.at(route.end)).toMatchObject({ lat: 61.11, lon: 7.12, alt: 6 });
    for (let t = route.start; t < route.end; t += 17) {
      const p = route.at(t);
      expect(p.speed).toBeGreaterThanOrEqual(PADDLING_SPEED.min);
      expect(p.speed).toBeLessThanOrEqual(PADDLING_SPEED.max);
      // on one of the two straight legs
      expect(Math.min(Math.abs(p.lon - 7.1), Math.abs(p.lat - 61.11))).toBeLessThan(1e-6);
    }
    expect(gpxRoute(plannedRoute, { seed: 4 }).end).toBe(gpxRoute(plannedRoute, { seed: 4 }).end);
  });

  it("prefers track points to route points, and skips waypoints", () => {
    const both = gpx(`<rte><rtept lat="1" lon="1"/></rte><trk><trkseg><trkpt lat="2" lon="2"/><trkpt lat="2.001" lon="2"/></trkseg></trk><wpt lat="3" lon="3"/>`);
    expect(parseGpxPath(both).map((p) => p.lat)).toEqual([2, 2.001]);
  });

  it("says clearly what is wrong with a bad file", () => {
    expect(() => gpxRoute("<kml/>")).toThrow(/not GPX: the root element is <kml>/);
    expect(() => gpxRoute("<gpx><trk>")).toThrow(/malformed GPX/);
    expect(() => gpxRoute(gpx("<wpt lat='1' lon='1'/>"))).toThrow(/no <trkpt> or <rtept>/);
    expect(() => gpxRoute(gpx(`<trk><trkseg><trkpt lat="1" lon="1"/><trkpt lat="95" lon="1"/></trkseg></trk>`))).toThrow(/GPX trkpt 2: lat="95" lon="1" is not a position/);
    expect(() => gpxRoute(gpx(`<rte><rtept lat="1" lon="1"><time>yesterday</time></rtept></rte>`))).toThrow(/GPX rtept 1: <time>yesterday<\/time> is not a time/);
    const someTimed = gpx(`<trk><trkseg><trkpt lat="1" lon="1"><time>2024-01-01T00:00:00Z</time></trkpt><trkpt lat="1.001" lon="1"/></trkseg></trk>`);
    expect(() => gpxRoute(someTimed)).toThrow(/1 of 2 GPX points have no <time>/);
    const backwards = gpx(`<trk><trkseg><trkpt lat="1" lon="1"><time>2024-01-01T00:00:10Z</time></trkpt><trkpt lat="1.001" lon="1"><time>2024-01-01T00:00:00Z</time></trkpt></trkseg></trk>`);
    expect(() => gpxRoute(backwards)).toThrow(/GPX point 2: its time goes back/);
  });

  it("names the file in its errors", async () => {
    await expect(readGpxRoute(join(REPO, "package.json"))).rejects.toThrow(/package.json: malformed GPX/);
  });
});
