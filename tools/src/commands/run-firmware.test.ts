import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { nmeaEpoch } from "@kayaktrack/firmware/testing/nmea-epoch";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import { addDevice, CLI, REPO, startServerProcess, tempDb, type ServerProcess } from "../server-process.ts";
import { storedFixes } from "../testing/stored-fixes.ts";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A socat pseudo-terminal pair: [the GPS's end, the firmware's end]. */
async function ptyPair(): Promise<string[]> {
  const socat = spawn("socat", ["-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"]);
  cleanup.push(() => socat.kill());
  return new Promise((resolve) => {
    let err = "";
    socat.stderr.on("data", (d) => {
      err += d;
      const m = [...err.matchAll(/PTY is (\S+)/g)].map((x) => x[1]!);
      if (m.length === 2) resolve(m);
    });
  });
}

describe("kayaktrack run-firmware", () => {
  it("runs the firmware on a GPS pseudo-terminal and posts its batches to a real server (--uplink http)", async () => {
    const db = tempDb("kt-runfw-");
    const server: ServerProcess = await startServerProcess(db);
    cleanup.push(() => server.kill());
    const device = await addDevice(db, "kayak");
    const dir = mkdtempSync(join(tmpdir(), "kt-card-"));
    const config = join(dir, "tracker.json");
    writeFileSync(config, JSON.stringify({ device: device.id, token: device.token, server: server.url, firstUploadAfterS: 5, uploadEveryS: 60 }));
    const [gpsEnd, firmwareEnd] = await ptyPair();

    const child: ChildProcess = spawn(process.execPath, [CLI, "run-firmware", "--config", config, "--gps", firmwareEnd!, "--uplink", "http", "--card", join(dir, "card"), "--speedup", "50", "--status"], { cwd: REPO });
    cleanup.push(() => child.kill("SIGKILL"));
    let status: Record<string, unknown> = {};
    createInterface({ input: child.stdout! }).on("line", (l) => (status = JSON.parse(l)));
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));

    // Once the firmware reports, it is reading its port.
    for (const end = Date.now() + 30_000; Date.now() < end && !("kept" in status); ) await new Promise((r) => setTimeout(r, 50));
    // Five minutes of paddling east at 2 m/s, 50 epochs a real second.
    const gps = new SerialPort({ path: gpsEnd!, baudRate: 9600 });
    cleanup.push(() => gps.isOpen && gps.close());
    const t0 = Math.floor(Date.now() / 1000) - 3600;
    for (let s = 0; s < 300; s++) {
      gps.write(nmeaEpoch({ time: t0 + s, lat: 59.9, lon: 10.7 + (s * 2) / 55_800, speed: 2, course: 90 }));
      await new Promise((r) => setTimeout(r, 20));
    }
    const deadline = Date.now() + 20_000;
    // What the server stored, read back through its API.
    const stored = async () => (await storedFixes(server.url, device.id)).length;
    while (Date.now() < deadline && ((await stored()) < 20 || status.upload !== "idle" || Number(status.uploaded) !== Number(status.kept))) await new Promise((r) => setTimeout(r, 200));
    expect(stderr).toMatch(/kayaktrack: device \d+, uploading to http/);
    expect(status).toMatchObject({ badChecksum: 0, failures: 0 });
    expect(await stored()).toBe(status.kept);
    expect(Number(status.kept)).toBeGreaterThan(20);
  }, 60_000);

  it("refuses a bad tracker config with exit code 2, naming each problem", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-card-"));
    const config = join(dir, "tracker.json");
    writeFileSync(config, JSON.stringify({ device: 0, server: "https://x" }));
    const [, end] = await ptyPair();
    const child = spawn(process.execPath, [CLI, "run-firmware", "--config", config, "--gps", end!, "--uplink", "http", "--card", join(dir, "card")], { cwd: REPO });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).toBe(2);
    expect(stderr).toMatch(/device: must be a whole number/);
    expect(stderr).toMatch(/server: must be an http:\/\/ URL/);
  });
});
