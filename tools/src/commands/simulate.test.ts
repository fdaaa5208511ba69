import { describe, expect, it } from "vitest";
import { Sampler, type SamplerOptions } from "@kayaktrack/firmware/sampler";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { addDevice, CLI, REPO, startServerProcess, tempDb } from "../server-process.ts";
import { compareWithRecord, keptFromGpsRecord } from "../testing/kept-from-gps-record.ts";
import { storedFixes } from "../testing/stored-fixes.ts";
import { parseGap, progressLine, simulationOptions, summaryText } from "./simulate.ts";
import { journaledFixes, simulate, tripEnergy, type SimulationResult } from "../simulate/simulation.ts";
import { GpsFeed } from "../simulate/gps/gps-feed.ts";
import { gpsEpochs } from "../simulate/gps/gps-receiver.ts";
import { loadRoute } from "../simulate/world/load-route.ts";
import { openPtyPair } from "../simulate/serial/pty-pair.ts";
import { SerialPortSink } from "../simulate/serial/serial-port-sink.ts";

const M_PER_DEG = 111_320;
const metres = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) =>
  Math.hypot((b.lon - a.lon) * Math.cos((a.lat * Math.PI) / 180), b.lat - a.lat) * M_PER_DEG;

/** A real ingest server with one device, for one simulation. */
async function withServer<T>(run: (server: string, device: { id: number; token: string }) => Promise<T>): Promise<T> {
  const db = tempDb("kt-sim-");
  const server = await startServerProcess(db);
  try {
    return await run(server.url, await addDevice(db, "sim"));
  } finally {
    await server.kill();
  }
}

describe("kayaktrack simulate", () => {
  it("takes a 2-hour trip through GPS pty → firmware → SIM900 emulator pty → a real server: every fix the sampler keeps is stored once", async () => {
    const record = mkdtempSync(join(tmpdir(), "kt-gps-record-"));
    try {
      await withServer(async (server, device) => {
        const options = await simulationOptions({ synthetic: "lake-loop", duration: "2h", speedup: "200", seed: "7", server, device: String(device.id), token: device.token });
        const result = await simulate({ ...options, recordGps: record });
        // What the firmware's sampler keeps, worked out here on its own from what it read, with the
        // date its clock had at boot: the trip starts 2 h before the end, and one that began before
        // midnight costs its first epoch (the firmware believes a new date when two RMCs say it).
        const [boot] = keptFromGpsRecord(record);
        const expected = boot!.kept.map((k) => k.fix.time);
        // The same from what the GPS sent: the sampler on every fix but the last (the firmware closes
        // an epoch when the next begins). Only that first epoch may differ, and what follows from it.
        const sampler = new Sampler();
        const sent = result.generated.slice(0, -1).filter((f) => sampler.offer({ ...f, quality: 1 })).map((f) => f.time);
        if (expected[0] === sent[0]) expect(expected).toEqual(sent);
        else expect(Math.abs(sent.length - expected.length)).toBeLessThanOrEqual(1);
        const stored = (await storedFixes(server, device.id)).map((f) => f.time).sort((a, b) => a - b);
        expect(expected.length).toBeGreaterThan(300);
        expect(stored).toEqual(expected);
        expect(result.journaled).toBe(expected.length);
        expect(result.modem.requests).toBeGreaterThan(10);
        expect(result.bytesOnAir).toBeGreaterThan(0);
      });
    } finally {
      rmSync(record, { recursive: true, force: true });
    }
  }, 150_000);

  it("delivers once every fix the firmware should keep, but what a power cut takes from the chunk being read, through 20% modem errors, 1% serial noise, a 30-minute coverage gap, a 15-minute server outage and 5 power cuts", async () => {
    const record = mkdtempSync(join(tmpdir(), "kt-gps-record-"));
    try {
      await withServer(async (server, device) => {
        const options = await simulationOptions({
          synthetic: "lake-loop", duration: "2h", speedup: "120", seed: "8", server, device: String(device.id), token: device.token,
          modemErrors: "0.2", noise: "0.01", coverageGap: "30m@40m", serverOutage: "15m@15m", powerCuts: "5",
        });
        const result = await simulate({ ...options, recordGps: record });
        // What the firmware should have kept, worked out here from what it read from the GPS (noise and
        // all), not from its journal: each boot a fresh parser and sampler on that boot's serial chunks.
        const boots = keptFromGpsRecord(record, options.tracker.sampler as Partial<SamplerOptions> | undefined);
        expect(boots).toHaveLength(6);
        // The boots read all the GPS sent while the board was on, but what the line held at each
        // cut (serialport flushes a port it opens, as a board's UART starts empty): at most a
        // pseudo-terminal's 4 KB and socat's 8 KB.
        const read = boots.reduce((n, b) => n + b.bytes, 0);
        const sentWhileOn = result.gpsBytes - result.gpsBytesWhileOff;
        expect(result.gpsBytesWhileOff).toBeGreaterThan(0);
        expect(read).toBeLessThanOrEqual(sentWhileOn);
        expect(read, "GPS bytes no boot read, though the board was on").toBeGreaterThanOrEqual(sentWhileOn - 5 * 12_288);
        // Fixes are identified by their time in the database: none can be stored twice.
        const stored = await storedFixes(server, device.id);
        const storedAt = new Map(stored.map((f) => [f.time, f]));
        const against = compareWithRecord(boots, storedAt.keys());
        expect(against.kept).toBeGreaterThan(200);
        expect(against.unexplained, "stored fixes the firmware should not have kept").toEqual([]);
        // Lost: only fixes of the last chunk a boot ended by a cut was reading.
        expect(against.lostBeyond, "fixes lost beyond what a power cut may take").toEqual([]);
        const expected = new Map(boots.flatMap((b) => b.kept).map((k) => [k.fix.time, k.fix]));
        for (const f of stored) {
          const e = expected.get(f.time)!;
          // The journal keeps 6 decimals of a degree, the wire 1e-5 degrees: rounded twice.
          expect(Math.abs(f.lat - e.lat), `fix at ${f.time}`).toBeLessThanOrEqual(5.51e-6);
          expect(Math.abs(f.lon - e.lon), `fix at ${f.time}`).toBeLessThanOrEqual(5.51e-6);
        }
        const generated = new Map(result.generated.map((f) => [f.time, f]));
        for (const f of stored) expect(metres(generated.get(f.time)!, f), `fix at ${f.time}`).toBeLessThan(1);
        // And the card holds nothing that was not delivered.
        expect(journaledFixes(result.card).map((f) => f.time).sort((a, b) => a - b)).toEqual([...storedAt.keys()].sort((a, b) => a - b));
        expect(result.powerCuts).toBe(5);
        expect(result.modem.refused, "uploads refused during the server outage").toBeGreaterThan(0);
        expect(result.modem.faults, "AT commands failed by --modem-errors").toBeGreaterThan(20);
        expect(result.modem.noSignal, "signal checks in the coverage gap").toBeGreaterThan(0);
        expect(result.corruptedBytes).toBeGreaterThan(1000);
      });
    } finally {
      rmSync(record, { recursive: true, force: true });
    }
  }, 240_000);

  it("sends straight to the server with --uplink http, and times the GPS's power save mode for the energy estimate", async () => {
    await withServer(async (server, device) => {
      const options = await simulationOptions({ synthetic: "coastal-day", duration: "20m", speedup: "120", seed: "9", server, device: String(device.id), token: device.token, uplink: "http" });
      const result = await simulate({ ...options, tracker: { ...options.tracker, gpsPowerSave: true } });
      const stored = await storedFixes(server, device.id);
      expect(stored.length).toBe(result.journaled);
      expect(stored.length).toBeGreaterThan(30);
      // The firmware puts the receiver in power save mode (UBX-CFG-RXM) after its first fix, about half a minute in.
      const seconds = (part: string) => result.energy.parts.find((p) => p.part === part)?.seconds ?? 0;
      expect(seconds("GPS power save")).toBeGreaterThan(1200 - 120);
      expect(seconds("GPS power save")).toBeLessThan(1200 - 20);
      expect(seconds("GPS power save") + seconds("GPS continuous tracking") + seconds("GPS acquisition")).toBeCloseTo(1200, 0);
    });
  }, 90_000);

  it("expedition preset: the simulated NEO-6M sleeps in backup between sparse fixes, the board deep sleeps, and the estimate counts both", async () => {
    await withServer(async (server, device) => {
      const options = await simulationOptions({ synthetic: "lake-loop", duration: "40m", speedup: "120", seed: "11", server, device: String(device.id), token: device.token, uplink: "http", preset: "expedition" });
      expect(options.tracker).toEqual({ device: device.id, token: device.token, server, preset: "expedition" });
      const result = await simulate(options);
      const journaled = journaledFixes(result.card).map((f) => f.time);
      // A fix a minute or every 100 m: paddling at about 2 m/s, 40–60 s apart.
      const gaps = journaled.slice(2).map((t, i) => t - journaled[i + 1]!);
      expect(journaled.length).toBeGreaterThan(30);
      expect(gaps.filter((g) => g < 30 || g > 75), `gaps ${gaps.join(" ")}`).toEqual([]);
      // The receiver sent nothing while in backup: a fraction of a continuous run's bytes.
      expect(result.gpsBytes).toBeLessThan(0.25 * 2400 * 130);
      const seconds = (part: string) => result.energy.parts.find((p) => p.part === part)?.seconds ?? 0;
      expect(seconds("GPS backup")).toBeGreaterThan(0.75 * 2400);
      expect(seconds("board deep sleep")).toBeGreaterThan(0.6 * 2400);
      // A hot start (1 s) at each wake-up, on top of the cold start's 27 s.
      expect(seconds("GPS acquisition")).toBeGreaterThan(27 + journaled.length - 5);
      expect(result.energy.averageMa).toBeLessThan(20);
      // Uploads every 30 minutes: the first 30 s after the first fix, the next 30 minutes later, each stored once.
      const stored = await storedFixes(server, device.id);
      expect(result.modem.requests === 0 ? result.uploaded : stored.length).toBeGreaterThan(20);
      expect(new Set(stored.map((f) => f.time)).size).toBe(stored.length);
    });
  }, 90_000);

  it("reads a real GPS on a serial port with --gps, in real time, for --duration", async () => {
    // The GPS on a USB adapter: a pseudo-terminal pair, NMEA written to one end in real time.
    const pty = await openPtyPair();
    const route = await loadRoute({ synthetic: "lake-loop", seed: 5, start: Math.floor(Date.now() / 1000) });
    const feed = new GpsFeed({ io: await SerialPortSink.open(pty.paths[1]), epochs: gpsEpochs(route, { seed: 5, coldStart: 0 }), speedup: 1 });
    try {
      await withServer(async (server, device) => {
        const gps = feed.run();
        const child = spawn(process.execPath, [CLI, "simulate", "--gps", pty.paths[0], "--duration", "20s", "--uplink", "http", "--json",
          "--server", server, "--device", String(device.id), "--token", device.token], { cwd: REPO });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const code = await new Promise((r) => child.on("exit", r));
        feed.stop();
        await gps;
        expect(code, stderr).toBe(0);
        const summary = JSON.parse(stdout.trim().split("\n").pop()!) as {
          journaled: number; uploaded: number; durationS: number; card: string; energy: { parts: Array<{ part: string; seconds: number }> };
        };
        // The first upload goes 10 s after the first fix; what came later waits on the card for the next.
        const stored = (await storedFixes(server, device.id)).map((f) => f.time);
        const journaled = journaledFixes(summary.card).map((f) => f.time);
        expect(stored.length).toBeGreaterThan(0);
        expect(stored.length).toBe(summary.uploaded);
        expect(journaled.slice(0, stored.length)).toEqual([...stored].sort((a, b) => a - b));
        expect(summary.durationS).toBeGreaterThanOrEqual(20);
        expect(summary.durationS).toBeLessThan(30);
        // The board's CPU time, from the sentences the firmware read: about 20 s of 1 Hz NEO-6M output.
        const run = summary.energy.parts.find((p) => p.part === "board running")!.seconds;
        expect(run).toBeGreaterThan(0.05);
        expect(run).toBeLessThan(1);
      });
    } finally {
      await feed.close();
      await pty.close();
    }
  }, 150_000);

  it("names the option that is wrong", async () => {
    await expect(simulationOptions({ server: "http://x", device: "1", token: "t", speedup: "0" })).rejects.toThrow(/--speedup 0: a number from 1/);
    await expect(simulationOptions({ device: "1", token: "t" })).rejects.toThrow(/--server is missing/);
    await expect(simulationOptions({ server: "http://x", device: "1", token: "t", duration: "soon" })).rejects.toThrow(/--duration: duration 'soon'/);
    await expect(simulationOptions({ server: "http://x", device: "1", token: "t", gps: "/dev/ttyUSB0", speedup: "60" })).rejects.toThrow(/a real GPS \(--gps\) keeps real time/);
    await expect(simulationOptions({ server: "http://x", device: "1", token: "t", preset: "turbo" })).rejects.toThrow(/--preset turbo: one of live, day, expedition/);
    await expect(simulationOptions({ server: "http://x", device: "1", token: "t", preset: "toString" })).rejects.toThrow(/--preset toString/);
    expect((await simulationOptions({ server: "http://x", device: "1", token: "t", gps: "/dev/ttyUSB0" })).speedup).toBe(1);
    expect(parseGap("30m@1h")).toEqual({ length: 1800, at: 3600 });
    expect(() => parseGap("30m")).toThrow(/LENGTH@START/);
    expect(() => parseGap("soon@1h", "server-outage")).toThrow(/--server-outage: duration 'soon'/);
    await expect(simulationOptions({ server: "http://x", device: "1", token: "t", uplink: "http", serverOutage: "5m@5m" })).rejects.toThrow(/--server-outage is a fault the modem meets/);
  });
});

describe("the simulator's progress line and summary", () => {
  it("shows each step a fix takes, the modem, the bytes on air, and the JsVars on the interpreter", () => {
    const p = { tripS: 754, durationS: 7200, generated: 754, journaled: 120, uploaded: 100, acknowledged: 80, modem: "http-action", upload: "uploading", bytesOnAir: 3584, powerCuts: 0 };
    expect(progressLine(p)).toBe("trip 0:12:34/2:00:00  fixes: 754 generated, 120 journaled, 100 uploaded, 80 acknowledged  modem: http-action  upload: uploading  on air: 3.5 KB");
    expect(progressLine({ ...p, powerCuts: 2, jsvars: 1840 })).toMatch(/on air: 3\.5 KB {2}power cuts: 2 {2}JsVars: 1840$/);
  });

  it("sums up the trip, what is still on the card, the faults met and the energy", () => {
    const modem = { onS: 600, transmitS: 12, requests: 30, refused: 4, faults: 45, noSignal: 9 };
    const r: SimulationResult = {
      route: "lake-loop (synthetic, seed 1)", durationS: 7200, generated: Array.from({ length: 7200 }, () => ({ time: 0, lat: 0, lon: 0, alt: 0, speed: 0, course: 0, hdop: 1, vdop: 1, pdop: 1, sats: 8 })),
      journaled: 800, uploaded: 790, bytesOnAir: 20_480, gpsBytes: 3_000_000, gpsBytesWhileOff: 40_000, corruptedBytes: 30_000, powerCuts: 5, powerCutsInSession: 1, boots: 6, modem,
      card: "3 files", lastStatus: { seen: 1, kept: 1, badChecksum: 0, upload: "waiting", modem: "off", batches: 30, uploaded: 790, failures: 2, bytesSent: 1, pending: true, lastError: "no network" },
      jsvars: { samples: [] }, energy: tripEnergy({ durationS: 7200, sentences: 50_000, journaled: 800, batches: 30, modem }),
    };
    const text = summaryText(r);
    expect(text).toContain("Simulated lake-loop (synthetic, seed 1): 2:00:00 of paddling, 7200 fixes from the GPS.");
    expect(text).toContain("journaled on the card: 800; acknowledged by the server: 790");
    expect(text).toContain("not all delivered: the card still held unacknowledged fixes when the simulation stopped (last error: no network)");
    expect(text).toContain("GPS serial: 3000000 bytes, 30000 corrupted; firmware boots: 6 (power cuts: 5, 1 during an upload session)");
    expect(text).toContain("modem: 30 uploads (4 refused by the server outage), on 600 s, transmitting 12 s, 20.0 KB on air; 45 AT commands failed, 9 signal checks found no network");
    expect(text).toMatch(/Energy \(estimate, docs\/energy\.md\):\n {2}Energy estimate: [\d.]+ mAh over 2h00m/);
    expect(text).toMatch(/ {4}SIM900 GPRS data +440 mA for +12 s/);
    expect(text).toMatch(/Battery: \d+ mAh lasts about [\d.]+ h/);
    // Only the GPS, no firmware (--nmea-only): nothing about a card, a modem or energy.
    expect(summaryText({ ...r, boots: 0 })).toBe("Simulated lake-loop (synthetic, seed 1): 2:00:00 of paddling, 7200 fixes from the GPS, 3000000 bytes (30000 corrupted).");
  });
});

describe("kayaktrack simulate --nmea-only", () => {
  it("prints a pseudo-terminal where any program can read the simulated GPS", async () => {
    const child = spawn(process.execPath, [CLI, "simulate", "--nmea-only", "--duration", "3m", "--speedup", "30"], { cwd: REPO });
    let stderr = "";
    const path = await new Promise<string>((resolve) =>
      child.stderr.on("data", (d) => {
        stderr += d;
        const m = /can be read at (\S+)/.exec(stderr);
        if (m) resolve(m[1]!);
      }),
    );
    // cat, as a user would.
    const cat = spawn("cat", [path]);
    let nmea = "";
    cat.stdout.on("data", (d) => (nmea += d));
    const code = await new Promise((r) => child.on("exit", r));
    cat.kill();
    expect(code).toBe(0);
    expect(nmea).toMatch(/\$GPRMC,\d{6}\.00,A,46\d\d\.\d{5},N,013\d\d\.\d{5},E,/);
    expect(nmea).toMatch(/\$GPGSV,/);
  }, 30_000);
});
