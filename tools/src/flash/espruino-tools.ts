import { createRequire } from "node:module";
import { join } from "node:path";
import { BOARDS_DIR } from "./board-description.ts";
import { espruinoSerialDevice, type SerialDevice } from "./espruino-serial-device.ts";

/**
 * EspruinoTools (the `espruino` npm package, the Web IDE's code as a
 * library), set up to work offline: it is told to fetch nothing (no module
 * or board JSON downloads, no online minifier or compiler), a guard records
 * any URL it still asks for, and its serial layer sees only the one port
 * named on the command line. The package keeps its state in a global
 * `Espruino` and logs through console.*, so it is loaded once per process.
 */

/** Oldest firmware accepted: Storage (1v96) for saved code and E.CRC32 (2v05) to check it afterwards. */
export const MIN_FIRMWARE = "2v05";
/** The Storage file SAVE_ON_SEND=1 writes (plugins/saveOnSend.js); Espruino runs it at power-on. */
export const BOOT_FILE = ".bootcde";

type Callback<T> = (value: T) => void;
type BoardEnv = Record<string, unknown>;

/** What this file uses of the global `Espruino` (the package ships no types). */
interface EspruinoGlobal {
  Config: Record<string, unknown>;
  addProcessor(event: string, processor: (data: any, next: Callback<any>) => void): void;
  callProcessor(event: string, data: unknown, done: Callback<any>): void;
  Core: {
    Env: { getData(): BoardEnv; setFirmwareVersion(version: string): void };
    Serial: {
      devices: SerialDevice[];
      open(port: string, connected: Callback<unknown>, disconnected: Callback<unknown>): void;
      close(): void;
      isConnected(): boolean;
    };
    CodeWriter: { writeToEspruino(code: string, done: () => void): void; reformatCode(code: string): string | undefined };
    Utils: { executeExpression(expression: string, done: Callback<string | undefined>, options?: { maxTimeout?: number }): void };
    Notifications: Record<"success" | "error" | "warning" | "info", (message: string) => void>;
  };
}

export interface EspruinoTools {
  /** URLs the tools asked for (each was refused); flashing stops if there are any */
  readonly refusedUrls: readonly string[];
  /** error notifications from the tools */
  readonly errors: readonly string[];
  /** Dry run: use this board description as if the board had answered. */
  assumeBoard(env: BoardEnv): void;
  /** Opens the port; resolves with process.env of the board that answered, merged with its local description. */
  connect(port: string): Promise<BoardEnv>;
  /** The tools' transformForEspruino step: for SAVE_ON_SEND=1, Storage writes of the code to .bootcde, then load(). */
  transform(code: string): Promise<string>;
  /** The bytes writeToEspruino sends for transformed code. */
  wire(transformed: string): string;
  /** Sends transformed code with writeToEspruino. */
  upload(transformed: string): Promise<void>;
  /** Reads back length and CRC32 of the saved code; undefined if the board did not answer. */
  savedCode(): Promise<{ length: number; crc32: number | null } | null | undefined>;
  close(): Promise<void>;
}

let loaded: Promise<EspruinoGlobal> | undefined;

/** Loads EspruinoTools once; its console output goes to `log` from then on. */
function loadOnce(log: (line: string) => void): Promise<EspruinoGlobal> {
  loaded ??= new Promise((resolve) => {
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      console[level] = (...args: unknown[]) => log(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    }
    const esp = createRequire(import.meta.url)("espruino") as { init(done: () => void): void };
    esp.init(() => resolve((globalThis as unknown as { Espruino: EspruinoGlobal }).Espruino));
  });
  return loaded;
}

export async function loadEspruinoTools(log: (line: string) => void): Promise<EspruinoTools> {
  const E = await loadOnce(log);
  const refusedUrls: string[] = [];
  const errors: string[] = [];
  E.Core.Notifications = {
    success: (m) => log(m),
    info: (m) => log(m),
    warning: (m) => log(`warning: ${m}`),
    error: (m) => {
      errors.push(String(m));
      log(`error: ${m}`);
    },
  };
  Object.assign(E.Config, {
    // getURL reads a path that is not a URL from disk (core/utils.js), so board JSON comes from tools/boards.
    BOARD_JSON_URL: BOARDS_DIR,
    // No module downloads: the code may only use the firmware's built-in modules (checked before this).
    MODULE_URL: "",
    // The bundle is already minified by esbuild; the tools' minifiers and compiler are online services.
    MINIFICATION_LEVEL: "",
    MODULE_MINIFICATION_LEVEL: "",
    COMPILATION: false,
    PRETOKENISE: 0,
    UNICODE: false,
    // The tracker sets its clock from GPS; a setTime() line would make the code differ run to run.
    SET_TIME_ON_WRITE: false,
    // Write the code to flash (.bootcde) so that it runs at power-on, then load() it (plugins/saveOnSend.js).
    SAVE_ON_SEND: 1,
    LOAD_STORAGE_FILE: 1,
    RESET_BEFORE_SEND: true,
    ENV_ON_CONNECT: true,
  });
  // Last in the getURL chain: anything still headed for the network is refused and remembered.
  E.addProcessor("getURL", (data: { url: string; data?: string }, next) => {
    if (data.data === undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(String(data.url))) {
      refusedUrls.push(String(data.url));
      data.url = join(BOARDS_DIR, "network-access-refused"); // a missing file: getURL then finds nothing
    }
    next(data);
  });

  let device: ReturnType<typeof espruinoSerialDevice> | undefined;
  let disconnected: (() => void) | undefined;

  const tools: EspruinoTools = {
    refusedUrls,
    errors,
    assumeBoard(env) {
      const data = E.Core.Env.getData();
      Object.assign(data, env);
      if (typeof env.VERSION === "string") E.Core.Env.setFirmwareVersion(env.VERSION);
    },
    connect(port) {
      device = espruinoSerialDevice(port, Number(E.Config.BAUD_RATE) || 9600);
      // Only this port: no enumeration (it spawns udevadm on Linux), Bluetooth, TCP or relays.
      E.Core.Serial.devices.splice(0, E.Core.Serial.devices.length, device);
      return new Promise((resolve, reject) => {
        E.Core.Serial.open(
          port,
          (status) => {
            if (!status || device!.error) reject(new Error(`cannot open ${port}: ${device!.error?.message ?? "the port did not open"}`));
            else resolve({ ...E.Core.Env.getData() });
          },
          () => disconnected?.(),
        );
      });
    },
    transform(code) {
      return new Promise((resolve) => E.callProcessor("transformForEspruino", code, resolve));
    },
    wire(transformed) {
      // As core/codeWriter.js writeToEspruino: reformat for the REPL, end in two newlines, an empty
      // print() to remove the prompt, and reset() first (RESET_BEFORE_SEND).
      let code = E.Core.CodeWriter.reformatCode(transformed);
      if (code === undefined) throw new Error(`EspruinoTools could not prepare the code: ${errors.at(-1) ?? "unbalanced brackets"}`);
      while (code[code.length - 2] !== "\n" || code[code.length - 1] !== "\n") code += "\n";
      code = "\x10print()\n" + code;
      if (E.Config.RESET_BEFORE_SEND) code = "\x10reset();\n" + code;
      return code;
    },
    upload(transformed) {
      return new Promise((resolve) => E.Core.CodeWriter.writeToEspruino(transformed, resolve));
    },
    savedCode() {
      const expression = `(function(f){return f===undefined?null:[f.length,E.CRC32?E.CRC32(f):null]})(require("Storage").read(${JSON.stringify(BOOT_FILE)}))`;
      return new Promise((resolve) =>
        E.Core.Utils.executeExpression(
          expression,
          (result) => {
            if (result === undefined) return resolve(undefined);
            try {
              const v = JSON.parse(result) as [number, number | null] | null;
              resolve(v && { length: v[0], crc32: v[1] });
            } catch {
              resolve(undefined);
            }
          },
          { maxTimeout: 10 },
        ),
      );
    },
    close() {
      if (!device || !E.Core.Serial.isConnected()) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, 2000);
        disconnected = () => {
          clearTimeout(timer);
          resolve();
        };
        E.Core.Serial.close();
      });
    },
  };
  return tools;
}
