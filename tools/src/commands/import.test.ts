import { join } from "node:path";
import { GPSD_CORPUS } from "@kayaktrack/firmware/testing/gpsd-corpus";
import { describe, expect, it } from "vitest";
import { REPO, runCli, tempDb } from "../server-process.ts";

const fixtures = join(REPO, "ingest/src/import/testdata");
const corpusLog = join(GPSD_CORPUS, "garmin48.log");

describe("kayaktrack import", () => {
  it("imports GPX and NMEA files, reports each, and adds nothing the second time", async () => {
    const db = tempDb("kt-import-");
    const id = JSON.parse((await runCli(["device", "add", "kayak", "--json", "--db", db])).stdout).id;
    const files = [join(fixtures, "garmin-tpx.gpx"), corpusLog];
    const first = await runCli(["import", ...files, "--device", String(id), "--db", db]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/garmin-tpx.gpx \(gpx\): 7 fixes stored, 0 already there, 0 rejected; skipped 1 wpt/);
    expect(first.stdout).toMatch(/garmin48.log \(nmea\): \d+ fixes stored/);
    const again = JSON.parse((await runCli(["import", ...files, "--device", String(id), "--json", "--db", db])).stdout);
    expect(again.map((r: { stored: number }) => r.stored)).toEqual([0, 0]);
    expect(again[0].duplicates).toBe(7);
  });

  it("reports a bad file, stores nothing of it, goes on with the others and exits 1", async () => {
    const db = tempDb("kt-import-");
    const id = JSON.parse((await runCli(["device", "add", "kayak", "--json", "--db", db])).stdout).id;
    const r = await runCli(["import", join(fixtures, "no-times.gpx"), "missing.gpx", join(fixtures, "gpx10-speed.gpx"), "--device", String(id), "--db", db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no-times.gpx: the track points have no <time>.*nothing of it was stored/);
    expect(r.stderr).toMatch(/missing.gpx: ENOENT/);
    expect(r.stdout).toMatch(/gpx10-speed.gpx \(gpx\): 3 fixes stored/);
    const planned = await runCli(["import", join(fixtures, "no-times.gpx"), "--start", "2024-06-01T08:00:00Z", "--device", String(id), "--db", db]);
    expect(planned.stdout).toMatch(/3 fixes stored/);
    expect((await runCli(["import", corpusLog, "--device", "9", "--db", db])).stderr).toMatch(/no device 9/);
  });
});
