import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildTracker } from "@kayaktrack/firmware/build";
import { checkConfig } from "@kayaktrack/firmware/config";
import { EspruinoConsole } from "../testing/espruino-console.ts";
import { openPtyPair, type PtyPair } from "../simulate/serial/pty-pair.ts";

const TOOLS = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = join(TOOLS, "bin", "kayaktrack.js");
const BLOCK_NETWORK = join(TOOLS, "src", "testing", "block-network.cjs");

const TOKEN = "tok-5ecret-never-on-the-terminal";
const CONFIG = { device: 42, token: TOKEN, server: "http://tracker.example:8080", apn: "internet", apnPassword: "pässwörd", uploadEveryS: 300 };
/** process.env of an Espruino Pico as the tools read it on connect (src/jswrap_process.c). */
const PICO_ENV = { VERSION: "2v25", BOARD: "PICO_R1_3", RAM: 98304, FLASH: 393216, STORAGE: 49152, CONSOLE: "USB", MODULES: "Flash,Storage,heatshrink,fs,net,crypto,tls" };

let dir: string;
const cleanups: (() => void)[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kayaktrack-flash-"));
  return () => rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function file(name: string, content: string | object): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

/** Runs `kayaktrack flash …` in its own process with every network call blocked (and reported on stderr). */
function flash(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", BLOCK_NETWORK, CLI, "flash", ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function ptyPair(): Promise<PtyPair> {
  const pair = await openPtyPair();
  cleanups.push(() => pair.close());
  return pair;
}

function board(path: string, env: Record<string, unknown>): EspruinoConsole {
  const device = new EspruinoConsole(path, env);
  cleanups.push(() => device.close());
  return device;
}

const settle = () => new Promise((r) => setTimeout(r, 300));

/**
 * Reads what the tools send for SAVE_ON_SEND=1 (EspruinoTools plugins/saveOnSend.js and
 * core/codeWriter.js): reset(), print(), then require("Storage").write(".bootcde", chunk,
 * offset[, total]) lines in order, then load(). Returns the file they write.
 */
function savedByUpload(wire: string): string {
  expect(wire.startsWith('\x10reset();\n\x10print()\n\x10require("Storage").write(".bootcde",')).toBe(true);
  expect(wire.endsWith("\n\x10load()\n\n")).toBe(true);
  const lines = wire.slice("\x10reset();\n\x10print()\n".length, -"\x10load()\n\n".length).split("\n").filter((l) => l);
  let saved: Buffer | undefined;
  let next = 0;
  const Storage = {
    write(name: string, data: string, offset: number, size?: number) {
      expect(name).toBe(".bootcde");
      expect(offset).toBe(next); // chunks in order, none missing
      expect(data.length).toBeLessThanOrEqual(1024);
      if (offset === 0) saved = Buffer.alloc(size!, 0xff);
      Buffer.from(data, "latin1").copy(saved!, offset);
      next = offset + data.length;
    },
  };
  for (const line of lines) {
    expect(line).toMatch(/^\x10require\("Storage"\)\.write\(".bootcde",".*",\d+(,\d+)?\);$/);
    vm.runInNewContext(line.slice(1), { require: () => Storage });
  }
  expect(next).toBe(saved!.length);
  return saved!.toString("latin1");
}

/** The code must be `KAYAKTRACK_CONFIG=<JSON of the config file>;\n` and then exactly the bundle. */
function expectTrackerCode(code: string, config: object, bundle: string): void {
  const head = code.slice(0, code.length - bundle.length);
  expect(code.slice(head.length)).toBe(bundle);
  const m = /^KAYAKTRACK_CONFIG=(.*);\n$/s.exec(head);
  expect(m).not.toBeNull();
  expect(JSON.parse(m![1]!)).toEqual(config);
  expect(m![1]).toMatch(/^[\x20-\x7e]*$/); // ASCII: non-ASCII characters as \u escapes
}

/** A small valid ES5 bundle with what tends to break quoting on the way: quotes, backslashes, escapes, and require("fs"). */
const SMALL_BUNDLE =
  '(function(){var fs=require("fs"),q="say \\"hi\\"",b="back\\\\slash",nl="a\\nb",t=\'it\\\'s\';' +
  'global.kayaktrackTest={q:q,b:b,nl:nl,t:t,pad:"' +
  "x".repeat(3000) +
  '"};})();\n';

describe("kayaktrack flash", () => {
  it("--dry-run --out writes the config assignment and the built tracker, as the tools' Storage writes to .bootcde and load()", async () => {
    const config = file("tracker.json", CONFIG);
    const out = join(dir, "dry.bin");
    const [r, bundle] = await Promise.all([flash(["--board", "PICO", "--config", config, "--dry-run", "--out", out]), buildTracker()]);
    expect(r.stderr).not.toContain("NETWORK BLOCKED");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("nothing was sent");
    expect(r.stdout).toContain("device 42, server http://tracker.example:8080");
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stderr).toMatch(/dry\.bin holds the device token/);
    expectTrackerCode(savedByUpload(readFileSync(out, "latin1")), CONFIG, bundle);
  });

  it("refuses a bad config, listing every error, with exit code 2, and sends nothing", async () => {
    const bad = { device: 0, token: 7, server: "https://tracker.example", colour: "red", sampler: { minDistanceM: -1, wobble: 3 } };
    const expected = checkConfig([bad]).errors;
    expect(expected.length).toBeGreaterThanOrEqual(4);
    const pty = await ptyPair();
    const device = board(pty.paths[1], PICO_ENV);
    const out = join(dir, "bad.bin");
    const r = await flash(["--board", "PICO", "--config", file("bad.json", bad), "--port", pty.paths[0], "--out", out]);
    expect(r.code).toBe(2);
    for (const e of expected) expect(r.stderr).toContain(e);
    await settle();
    expect(device.received).toBe("");
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a config file that is not JSON", async () => {
    const r = await flash(["--board", "PICO", "--config", file("broken.json", "{device: 1"), "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json is not JSON/);
  });

  it("refuses an unknown board and sends nothing", async () => {
    const pty = await ptyPair();
    const device = board(pty.paths[1], PICO_ENV);
    const r = await flash(["--board", "ESP32", "--config", file("tracker.json", CONFIG), "--port", pty.paths[0]]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown board 'ESP32': kayaktrack flashes PICO or ORIGINAL");
    await settle();
    expect(device.received).toBe("");
  });

  it("refuses code larger than the board's saved-code space (the Original keeps 20 KB, the Pico 48 KB)", async () => {
    const bundle = file("big.js", `var big="${"x".repeat(22000)}";\n`);
    const config = file("tracker.json", CONFIG);
    const out = join(dir, "big.bin");
    const original = await flash(["--board", "ORIGINAL", "--config", config, "--bundle", bundle, "--dry-run", "--out", out]);
    expect(original.code).toBe(2);
    expect(original.stderr).toMatch(/does not fit: 22,\d{3} bytes need 22,\d{3} bytes of Storage; the Original Espruino Board keeps 20,480 bytes/);
    expect(existsSync(out)).toBe(false);
    const pico = await flash(["--board", "PICO", "--config", config, "--bundle", bundle, "--dry-run", "--out", out]);
    expect(pico.code).toBe(0);
  });

  it("uploads over a serial port without touching the network: the dry run's bytes arrive, saved to .bootcde, then load()", async () => {
    const config = file("tracker.json", CONFIG);
    const bundle = file("small.js", SMALL_BUNDLE);
    const dry = join(dir, "dry-small.bin");
    const sent = join(dir, "sent.bin");
    const dryRun = await flash(["--board", "PICO", "--config", config, "--bundle", bundle, "--dry-run", "--out", dry]);
    expect(dryRun.code).toBe(0);

    const pty = await ptyPair();
    const pico = board(pty.paths[1], PICO_ENV);
    const r = await flash(["--board", "PICO", "--config", config, "--bundle", bundle, "--port", pty.paths[0], "--out", sent]);
    expect(r.stderr).not.toContain("NETWORK BLOCKED");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("found PICO_R1_3 running Espruino 2v25");
    // 2v25 has the interpreter's serial assert (fixed after 2v29): flashed, with a warning that says what to flash instead.
    expect(r.stderr).toMatch(/warning: Espruino before 2v30 .* internal assert .* flash a cutting-edge build from espruino.com\/Download made after 2026-07-06/);
    expect(r.stdout).toMatch(/saved as \.bootcde \([\d,]+ bytes, CRC32 \d+ checked\)/);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);

    // The board was asked what it is before anything was written, then got exactly the dry run's bytes.
    const wire = readFileSync(dry, "latin1");
    expect(readFileSync(sent, "latin1")).toBe(wire);
    expect(pico.received.indexOf("process.env")).toBeLessThan(pico.received.indexOf("\x10reset();"));
    expect(pico.received.indexOf(wire)).toBe(pico.received.indexOf("\x10reset();"));
    const writes = pico.events.filter((e) => e.startsWith("Storage.write"));
    expect(writes.length).toBe(Math.ceil(pico.storage.get(".bootcde")!.length / 1024));
    expect(pico.events.filter((e) => !e.startsWith("Storage.write") && e !== "process.env")).toEqual(["reset()", "print()", "load()"]);
    expect(pico.events.indexOf("load()")).toBeGreaterThan(pico.events.lastIndexOf(writes.at(-1)!));
    expectTrackerCode(pico.storage.get(".bootcde")!.toString("latin1"), CONFIG, SMALL_BUNDLE);
    // Saved code that runs: the escapes survived the trip.
    const sandbox: Record<string, any> = { require: () => ({}) };
    sandbox.global = sandbox;
    vm.runInNewContext(pico.storage.get(".bootcde")!.toString("latin1"), sandbox);
    expect(sandbox.kayaktrackTest).toMatchObject({ q: 'say "hi"', b: "back\\slash", nl: "a\nb", t: "it's" });
    expect(sandbox.KAYAKTRACK_CONFIG).toEqual(CONFIG);
  });

  it("refuses when another board answers on the port, before writing anything", async () => {
    const pty = await ptyPair();
    const original = board(pty.paths[1], { ...PICO_ENV, BOARD: "ESPRUINOBOARD", STORAGE: 20480 });
    const r = await flash(["--board", "PICO", "--config", file("tracker.json", CONFIG), "--bundle", file("small.js", SMALL_BUNDLE), "--port", pty.paths[0]]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the board on the port is ESPRUINOBOARD, not PICO_R1_3 (--board PICO); nothing was sent");
    expect(original.events).toEqual(["process.env"]);
  });

  it("refuses firmware older than 2v05", async () => {
    const pty = await ptyPair();
    const old = board(pty.paths[1], { ...PICO_ENV, VERSION: "1v99" });
    const r = await flash(["--board", "PICO", "--config", file("tracker.json", CONFIG), "--bundle", file("small.js", SMALL_BUNDLE), "--port", pty.paths[0]]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the board runs Espruino 1v99; flashing needs 2v05 or newer");
    expect(old.events).toEqual(["process.env"]);
  });

  it("the network blocker used above does catch requests (so its silence means something)", async () => {
    const r = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ["--require", BLOCK_NETWORK, "-e", 'try { require("http").get("http://www.espruino.com/json/PICO_R1_3.json") } catch {}'], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", () => resolve(stderr));
    });
    expect(r).toContain("NETWORK BLOCKED: http.request");
  });
});
