import { describe, expect, it } from "vitest";
import { openSqliteStore } from "@kayaktrack/ingest";
import { runCli, tempDb } from "../server-process.ts";

const T0 = 1_700_000_000;

/** A database with one device that paddled 300 s east, rested 2 h, then paddled 300 s more. */
function paddled() {
  const db = tempDb("kt-export-");
  const store = openSqliteStore(db);
  const { device } = store.addDevice("kayak");
  const leg = (t0: number, lon0: number) =>
    Array.from({ length: 300 }, (_, i) => ({
      time: t0 + i, lat: 59.9, lon: lon0 + i * 2e-5, alt: 1, speed: 1.1, course: 90, hdop: 0.8, sats: 8, accuracy: null, battery: null,
    }));
  store.write([{ deviceId: device.id, source: "batch", fixes: [...leg(T0, 10.7), ...leg(T0 + 7200, 10.8)] }]);
  store.close();
  return { db, id: String(device.id) };
}

describe("kayaktrack export", () => {
  it("writes a device's fixes, a time range or one trip in each format", async () => {
    const { db, id } = paddled();
    const all = await runCli(["export", "--device", id, "--format", "gpx", "--db", db]);
    expect(all.code).toBe(0);
    expect(all.stdout.match(/<trkpt /g)).toHaveLength(600);

    const range = await runCli(["export", "--device", id, "--from", String(T0 + 100), "--to", "2023-11-14T22:18:19Z", "--format", "csv", "--db", db]);
    expect(range.stdout.trim().split("\r\n")).toHaveLength(1 + 200);

    const trip = await runCli(["export", "--device", id, "--trip", "2", "--format", "geojson", "--db", db]);
    expect(trip.code).toBe(0);
    const line = JSON.parse(trip.stdout).features[0];
    expect(line.geometry.coordinates).toHaveLength(300);
    expect(line.geometry.coordinates[0]).toEqual([10.8, 59.9, 1]);
  });

  it("fails clearly on an unknown device, trip or format", async () => {
    const { db, id } = paddled();
    for (const [args, message] of [
      [["--device", "9", "--format", "gpx"], /no device 9/],
      [["--device", id, "--trip", "7", "--format", "gpx"], /device 1 has no trip 7/],
      [["--device", id, "--format", "shp"], /unknown format 'shp'; use gpx, geojson, kml, csv/],
      [["--device", id, "--from", "yesterday", "--format", "kml"], /--from must be ISO 8601 or epoch seconds/],
    ] as const) {
      const r = await runCli(["export", ...args, "--db", db]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });
});
