import { spawn, type ChildProcess } from "node:child_process";
import { buttonLine } from "@kayaktrack/firmware/button-line";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { buildTracker } from "@kayaktrack/firmware/build";
import { CLI, REPO } from "../../server-process.ts";
import { readPowerKeyLine } from "@kayaktrack/firmware/power-key-line";

/** What the firmware reports once a second (kayaktrack run-firmware --status, or the Espruino harness below). */
export interface RunnerStatus {
  /** NMEA sentences framed (the firmware on Node) */
  sentences?: number;
  seen: number;
  kept: number;
  badChecksum: number;
  upload: string;
  modem: string;
  batches: number;
  uploaded: number;
  failures: number;
  bytesSent: number;
  pending: boolean;
  lastError: string | null;
  /** JsVars in use (Espruino only) */
  jsvars?: number;
  /** seconds the board was allowed to deep sleep in this boot */
  deepSleepS?: number;
}

export interface FirmwareRunnerOptions {
  /** the firmware's end of the GPS serial line */
  gps: string;
  /** the firmware's end of the modem's line; absent with --uplink http */
  modem?: string;
  /** the SD card's directory */
  card: string;
  /** tracker.json's settings, baked in as `kayaktrack flash` would */
  config: Record<string, unknown>;
  speedup: number;
  /** run dist/tracker.js on this Espruino interpreter instead of the firmware on Node */
  espruino?: string;
  onStatus?: (s: RunnerStatus) => void;
  /** the modem's PWRKEY, pressed (true) or released, as the firmware prints it (firmware/src/hal/power-key-line.ts) */
  onPowerKey?: (pressed: boolean) => void;
  /** the firmware's console lines */
  onLog?: (line: string) => void;
  /** the firmware on Node: record what it reads from the GPS in this directory, a file a boot (gps-1.nmea, gps-2.nmea…) */
  recordGps?: string;
}

/** What boot.ts says when it will not run: a bad config or no card. */
const REFUSED = /^kayaktrack( config: |: no SD card)/;

/** Prints the status line from inside the interpreter (the bundle publishes the running tracker as kayaktrack.running). */
const ESPRUINO_STATUS = `
setInterval(function () {
  var r = global.kayaktrack.running;
  if (!r) return;
  var c = r.keeper.counters(), u = r.uploader;
  console.log(JSON.stringify({ badChecksum: c[0], seen: c[2], kept: c[3], upload: u.state, modem: r.modem ? r.modem.state : "http",
    batches: u.batches, uploaded: u.fixes, failures: u.failures, bytesSent: u.bytesSent, pending: r.journal.hasPending(),
    lastError: u.lastError ? u.lastError.message : null, jsvars: process.memory().usage, deepSleepS: r.deepSleepS() }));
}, 1000);
`;

/**
 * The firmware as a child process, so that a power cut is a real SIGKILL:
 * `kayaktrack run-firmware` (the firmware on Node), or dist/tracker.js on an
 * Espruino interpreter with the GPS and modem on the same serial devices.
 */
export class FirmwareRunner {
  status: RunnerStatus | undefined;
  boots = 0;
  /** fixes acknowledged in earlier boots (status counts restart at each boot) */
  uploadedBefore = 0;
  /** the firmware's last console lines, for error messages */
  private recent: string[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private bundle: string | undefined;
  private reportCrash: (e: Error) => void = () => {};
  /** Settles with an Error when the firmware exits on its own (not by kill() or stop()): a crash. */
  readonly crashed: Promise<Error> = new Promise((resolve) => (this.reportCrash = resolve));

  constructor(private readonly o: FirmwareRunnerOptions) {
    if (o.espruino && o.recordGps) throw new Error("recording the GPS input needs the firmware on Node, not --espruino");
    mkdirSync(o.card, { recursive: true });
  }

  /** batches acknowledged in earlier boots */
  batchesBefore = 0;

  /** NMEA sentences framed in earlier boots */
  sentencesBefore = 0;

  /** NMEA sentences framed over all boots (the firmware on Node; 0 on Espruino, whose status line lacks them) */
  get sentences(): number {
    return this.sentencesBefore + (this.status?.sentences ?? 0);
  }

  /** fixes acknowledged over all boots */
  get uploaded(): number {
    return this.uploadedBefore + (this.status?.uploaded ?? 0);
  }

  /** fixes kept in earlier boots */
  keptBefore = 0;

  /** seconds of deep sleep in earlier boots */
  deepSleepBefore = 0;

  /** seconds the board was allowed to deep sleep over all boots */
  get deepSleepS(): number {
    return this.deepSleepBefore + (this.status?.deepSleepS ?? 0);
  }

  /** fixes kept (appended to the journal) over all boots */
  get kept(): number {
    return this.keptBefore + (this.status?.kept ?? 0);
  }

  /** batches acknowledged over all boots */
  get batches(): number {
    return this.batchesBefore + (this.status?.batches ?? 0);
  }

  async start(): Promise<void> {
    if (this.child) throw new Error("the firmware is already running");
    this.boots++;
    const o = this.o;
    let child: ChildProcess;
    if (o.espruino) {
      this.bundle ??= await buildTracker();
      const script = join(o.card, "..", "espruino-run.js");
      const ports = { gps: o.gps, modem: o.modem, dir: "" };
      writeFileSync(script, `global.KAYAKTRACK_PORTS = ${JSON.stringify(ports)};\nglobal.KAYAKTRACK_CONFIG = ${JSON.stringify(o.config)};\n${this.bundle}\n${ESPRUINO_STATUS}`);
      // The interpreter wants a standard input that stays open and silent (espruino-target.md): a pipe never written.
      child = spawn(o.espruino, [script], { cwd: o.card, stdio: ["pipe", "pipe", "pipe"] });
    } else {
      const config = join(o.card, "..", "tracker.json");
      writeFileSync(config, JSON.stringify(o.config));
      const args = [CLI, "run-firmware", "--config", config, "--gps", o.gps, "--card", o.card, "--speedup", String(o.speedup), "--status"];
      args.push(...(o.modem ? ["--modem", o.modem] : ["--uplink", "http"]));
      if (o.recordGps) args.push("--record-gps", join(o.recordGps, `gps-${this.boots}.nmea`));
      // Standard input carries the SOS button's presses (press()).
      child = spawn(process.execPath, args, { cwd: REPO, stdio: ["pipe", "pipe", "pipe"] });
    }
    this.child = child;
    child.stdin?.on("error", () => {}); // a press to a firmware that just died goes nowhere
    this.exited = new Promise((resolve) =>
      // "close", not "exit": the last console lines (a stack trace) are in by then.
      child.once("close", (code, signal) => {
        if (this.child === child) this.reportCrash(new Error(`the firmware exited on its own (${code ?? signal}): ${this.recent.slice(-8).join(" | ")}`));
        resolve();
      }),
    );
    const line = (text: string) => {
      // Espruino's console redraws its ">" prompt with terminal escapes (ESC [J): neither is the firmware's.
      const t = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/^>+/, "").trim();
      const key = readPowerKeyLine(t);
      if (key !== undefined) return o.onPowerKey?.(key);
      if (t.startsWith("{")) {
        try {
          this.status = JSON.parse(t) as RunnerStatus;
          o.onStatus?.(this.status);
          return;
        } catch {
          // a console line that looks like JSON
        }
      }
      if (!t) return;
      this.recent.push(t);
      if (this.recent.length > 20) this.recent.shift();
      o.onLog?.(t);
    };
    createInterface({ input: child.stdout! }).on("line", line);
    createInterface({ input: child.stderr! }).on("line", line);
    // Ready once it reports: the GPS must not talk to a port nobody reads yet.
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        // A config it refuses or no card: on the interpreter the firmware stays up showing the error LED.
        const refused = this.recent.filter((l) => REFUSED.test(l));
        if (this.status) done(resolve);
        else if (refused.length) done(() => reject(new Error(`the firmware refused to start: ${refused.join("; ")}`)));
        else if (child.exitCode !== null || child.signalCode !== null) done(() => reject(new Error(`the firmware stopped at start (${child.exitCode ?? child.signalCode}): ${this.recent.join("; ")}`)));
        else if (Date.now() - started > 60_000) done(() => reject(new Error(`the firmware did not start in 60 s: ${this.recent.join("; ")}`)));
      }, 50);
      const done = (f: () => void) => (clearInterval(poll), f());
    });
  }

  /** Presses (true) or releases the SOS button: a line on the firmware's console or standard input (button-line.ts). */
  press(pressed: boolean): void {
    const stdin = this.child?.stdin;
    if (stdin && !stdin.destroyed) stdin.write(buttonLine(pressed) + "\n");
  }

  /** Holds the SOS button long enough for the firmware's 3 s (on its clock, which runs `speedup` times real time on Node). */
  async hold(): Promise<void> {
    this.press(true);
    // The firmware on Node lasts a sped-up timer at least 250 ms of real time (nodeClock).
    await new Promise((r) => setTimeout(r, this.o.espruino ? 3500 : Math.max(3500 / this.o.speedup, 600)));
    this.press(false);
  }

  /** A power cut: SIGKILL, whatever the firmware is doing. */
  async kill(): Promise<void> {
    await this.end("SIGKILL");
  }

  /** Stops it cleanly (SIGTERM). Safe to call twice. */
  async stop(): Promise<void> {
    await this.end("SIGTERM");
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill(this.o.espruino && signal === "SIGTERM" ? "SIGKILL" : signal);
    await this.exited;
    this.uploadedBefore += this.status?.uploaded ?? 0;
    this.keptBefore += this.status?.kept ?? 0;
    this.batchesBefore += this.status?.batches ?? 0;
    this.sentencesBefore += this.status?.sentences ?? 0;
    this.deepSleepBefore += this.status?.deepSleepS ?? 0;
    this.status = undefined;
  }
}
