import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { GPSD_CORPUS } from "@kayaktrack/firmware/testing/gpsd-corpus";
import { describe, expect, it } from "vitest";
import { CLI, REPO, runCli, tempDb } from "../server-process.ts";
import { openPtyPair } from "../simulate/serial/pty-pair.ts";
import { openSerialLink } from "../simulate/serial/serial-link.ts";

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
    // A track partly timed (Mavi 2.11's file): its timed points stored, the untimed counted in the summary.
    const partly = await runCli(["import", join(fixtures, "mavi-partly-timed.gpx"), "--device", String(id), "--db", db]);
    expect(partly.code, partly.stderr).toBe(0);
    expect(partly.stdout).toMatch(/mavi-partly-timed.gpx \(gpx\): 52 fixes stored, 0 already there, 0 rejected; skipped 12 wpt \(not a track point\), 12 trkpt without <time>/);
    expect((await runCli(["import", corpusLog, "--device", "9", "--db", db])).stderr).toMatch(/no device 9/);
  });

  it("moves its progress bar within a large file, on a terminal", async () => {
    const db = tempDb("kt-import-");
    const id = JSON.parse((await runCli(["device", "add", "kayak", "--json", "--db", db])).stdout).id;
    // 80,000 track points, about 10 MB of GPX: a few seconds of parsing.
    const dir = mkdtempSync(join(tmpdir(), "kt-import-big-"));
    const file = join(dir, "big.gpx");
    const T0 = Date.UTC(2025, 5, 1) / 1000;
    const points = Array.from({ length: 80_000 }, (_, i) =>
      `<trkpt lat="${(59.9 + i * 1e-6).toFixed(7)}" lon="${(10.7 + i * 1e-5).toFixed(7)}"><ele>3.0</ele><time>${new Date((T0 + i) * 1000).toISOString()}</time><sat>8</sat><hdop>0.9</hdop></trkpt>`);
    writeFileSync(file, `<?xml version="1.0"?>\n<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>\n${points.join("\n")}\n</trkseg></trk></gpx>\n`);
    const pty = await openPtyPair();
    let seen = "";
    const link = await openSerialLink(pty.paths[1], (chunk) => (seen += chunk.toString("latin1")));
    const terminal = openSync(pty.paths[0], "w");
    try {
      const child = spawn(process.execPath, [CLI, "import", file, "--device", String(id), "--db", db], { cwd: REPO, stdio: ["ignore", "pipe", terminal] });
      let stdout = "";
      child.stdout!.on("data", (d) => (stdout += d));
      expect(await new Promise((resolve) => child.on("close", resolve))).toBe(0);
      // The last of the terminal's bytes may still be on their way.
      for (let waited = 0; !seen.includes("100%") && waited < 5000; waited += 50) await sleep(50);
      expect(stdout).toMatch(/big\.gpx \(gpx\): 80,000 fixes stored/);
      const shares = [...seen.matchAll(/importing \[[^\]]*\] (\d+)%/g)].map((m) => Number(m[1]));
      expect(shares.filter((p) => p > 0 && p < 100).length, `the bar as drawn: ${JSON.stringify(seen.slice(-400))}`).toBeGreaterThan(0);
      expect(shares.at(-1)).toBe(100);
    } finally {
      closeSync(terminal);
      await link.close();
      await pty.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
