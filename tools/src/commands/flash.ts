import { readFileSync, writeFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { boardDescription, storageBytes, type BoardDescription } from "../flash/board-description.ts";
import { BOOT_FILE, loadEspruinoTools, MIN_FIRMWARE, type EspruinoTools } from "../flash/espruino-tools.ts";
import { Refusal } from "../flash/refusal.ts";
import { readTrackerConfigFile } from "../flash/tracker-config-file.ts";
import { requiredModules, trackerCode } from "../flash/tracker-code.ts";

export interface FlashOptions {
  board: string;
  config: string;
  port?: string;
  dryRun?: boolean;
  out?: string;
  bundle?: string;
  verbose?: boolean;
}

interface Output {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
}

const n = (x: number) => x.toLocaleString("en");

/** Firmware versions as Espruino writes them, "2v25" or "2v25.12": compared as numbers. */
function versionAtLeast(version: string, min: string): boolean {
  const v = /^(\d+)v(\d+)/.exec(version);
  const m = /^(\d+)v(\d+)/.exec(min)!;
  return !!v && (Number(v[1]) - Number(m[1]) || Number(v[2]) - Number(m[2])) >= 0;
}

/** The bundle to send: built now from firmware/src (as dist/tracker.js), or a given file checked the same way. */
async function trackerBundle(file: string | undefined): Promise<string> {
  const { buildTracker, checkBundle } = await import("@kayaktrack/firmware/build");
  if (!file) return buildTracker();
  const code = readFileSync(file, "utf8");
  const problems = checkBundle(code);
  if (problems.length) throw new Refusal(`${file} is not fit for Espruino:`, problems);
  return code;
}

/**
 * Espruino 2v29 and older fail an internal assert (jsvariterator.c:466) and stop when serial data
 * piles up while JavaScript is busy: jsiHandleIOEventForSerial appends the queued events to a string
 * that may be flat. Fixed upstream after 2v29 (espruino/Espruino a3f085979, #2718, 2026-07-06);
 * measured here on the interpreter for Linux (firmware/README.md, Espruino pitfalls).
 */
const SERIAL_FIX_FIRMWARE = "2v30";
const SERIAL_ASSERT =
  "Espruino before 2v30 (and 2v29 cutting-edge builds older than 2026-07-06) can stop on an internal assert when the GPS's data piles up while the tracker is busy; flash a cutting-edge build from espruino.com/Download made after 2026-07-06, or 2v30 or newer";

/** Refuses a board that cannot take the code, before anything is sent to it. */
function checkBoardEnv(board: BoardDescription, env: Record<string, unknown>, modules: string[], need: number): void {
  if (env.BOARD !== board.id) {
    throw new Refusal(`the board on the port is ${String(env.BOARD)}, not ${board.id} (--board ${board.name}); nothing was sent`);
  }
  const version = String(env.VERSION ?? "");
  if (!versionAtLeast(version, MIN_FIRMWARE)) {
    throw new Refusal(`the board runs Espruino ${version || "(unknown version)"}; flashing needs ${MIN_FIRMWARE} or newer (espruino.com/Download); nothing was sent`);
  }
  if (typeof env.MODULES === "string") {
    const builtIn = env.MODULES.split(",");
    const missing = modules.filter((m) => !builtIn.includes(m));
    if (missing.length) throw new Refusal(`the board's firmware lacks the module(s) ${missing.join(", ")} the tracker needs; nothing was sent`);
  }
  if (typeof env.STORAGE === "number" && need > env.STORAGE) {
    throw new Refusal(`the code needs ${n(need)} bytes of Storage; this board reports ${n(env.STORAGE)}; nothing was sent`);
  }
}

/**
 * `kayaktrack flash --board PICO --config tracker.json --port /dev/ttyACM0`:
 * checks the config, builds the tracker, and saves config and bundle on the
 * board with EspruinoTools (Storage file .bootcde, run at power-on), offline.
 * With --dry-run nothing is sent; --out writes the exact bytes that are (or
 * would be) sent. Throws Refusal for what the user must fix.
 */
export async function flash(o: FlashOptions, io: Output = { out: process.stdout, err: process.stderr }): Promise<void> {
  const board = boardDescription(o.board);
  if (!o.dryRun && !o.port) throw new Refusal("--port is required to flash (or use --dry-run)");
  const { json, config } = readTrackerConfigFile(o.config);
  const bundle = await trackerBundle(o.bundle);
  const code = trackerCode(json, bundle);

  const modules = requiredModules(code);
  const missing = modules.filter((m) => !board.builtinModules.includes(m));
  if (missing.length) throw new Refusal(`the code requires ${missing.join(", ")}, not built into the ${board.title}; modules are not downloaded`);
  const need = storageBytes(code.length);
  if (need > board.savedCodeBytes) {
    throw new Refusal(
      `the code does not fit: ${n(code.length)} bytes need ${n(need)} bytes of Storage; the ${board.title} keeps ${n(board.savedCodeBytes)} bytes of saved code`,
    );
  }

  // The token stays off the terminal: it is only in what is sent (and in --out).
  io.out.write(
    `${board.title} (${board.id}): ${n(code.length)} bytes of code (config ${n(code.length - bundle.length)}, tracker ${n(bundle.length)}), ` +
      `${n(need)} of ${n(board.savedCodeBytes)} bytes of saved-code Storage\n` +
      `tracker: device ${config.device}, server ${config.server}, APN "${config.apn}", token (${config.token.length} characters, not shown)\n`,
  );

  const logs: string[] = [];
  const tools = await loadEspruinoTools((message) => {
    // The tools log what they send, token included: it never reaches the terminal.
    const line = config.token ? message.split(config.token).join("(token)") : message;
    logs.push(line);
    if (logs.length > 30) logs.shift();
    if (o.verbose) io.err.write(`espruino: ${line}\n`);
  });
  const failed = (message: string) => new Error(`${message}${o.verbose || !logs.length ? "" : `\nlast EspruinoTools messages:\n  ${logs.slice(-10).join("\n  ")}`}`);
  const prepare = async (): Promise<{ transformed: string; wire: string }> => {
    const transformed = await tools.transform(code);
    const wire = tools.wire(transformed);
    if (tools.refusedUrls.length) throw failed(`EspruinoTools asked for ${tools.refusedUrls.join(", ")}; flashing is offline, nothing was sent`);
    return { transformed, wire };
  };
  const writeOut = (wire: string) => {
    if (!o.out) return;
    writeFileSync(o.out, Buffer.from(wire, "latin1"), { mode: 0o600 });
    io.err.write(`warning: ${o.out} holds the device token (it is the code sent to the board); keep it private\n`);
  };

  try {
    if (o.dryRun) {
      // What the board would answer, from the local description and the oldest firmware accepted:
      // the tools' output is the same for every firmware since Storage (1v96).
      tools.assumeBoard({ ...board.json, BOARD: board.id, VERSION: MIN_FIRMWARE });
      const { wire } = await prepare();
      writeOut(wire);
      io.out.write(`dry run: ${n(wire.length)} bytes would be sent${o.out ? `, written to ${o.out}` : ""}; nothing was sent to a board\n`);
      return;
    }

    io.out.write(`connecting to ${o.port}…\n`);
    const env = await tools.connect(o.port!);
    if (env.BOARD === undefined) throw failed(`no Espruino answered on ${o.port} (process.env); is it the board's port, and is the board running its REPL?`);
    checkBoardEnv(board, env, modules, need);
    io.out.write(`found ${String(env.BOARD)} running Espruino ${String(env.VERSION)}\n`);
    if (!versionAtLeast(String(env.VERSION ?? ""), SERIAL_FIX_FIRMWARE)) io.err.write(`warning: ${SERIAL_ASSERT}\n`);
    const { transformed, wire } = await prepare();
    writeOut(wire);
    io.out.write(`sending ${n(wire.length)} bytes…\n`);
    await tools.upload(transformed);
    const saved = await tools.savedCode();
    const expected = crc32(Buffer.from(code, "latin1"));
    if (!saved) throw failed(`the board did not confirm the saved code (${saved === null ? `no ${BOOT_FILE} in Storage` : "no answer"})`);
    if (saved.length !== code.length || (saved.crc32 !== null && saved.crc32 !== expected)) {
      throw failed(`the saved code differs from what was sent: ${n(saved.length)} bytes, CRC32 ${saved.crc32}; expected ${n(code.length)} bytes, CRC32 ${expected}`);
    }
    io.out.write(`saved as ${BOOT_FILE} (${n(saved.length)} bytes${saved.crc32 === null ? "" : `, CRC32 ${saved.crc32} checked`}): the tracker runs now and at every power-on\n`);
  } finally {
    await tools.close();
  }
}

/** The CLI action: a Refusal exits with code 2, anything else with 1. */
export async function flashCommand(o: FlashOptions): Promise<void> {
  try {
    await flash(o);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    process.stderr.write(`kayaktrack flash: ${e.message}\n`);
    process.exit(2);
  }
}
