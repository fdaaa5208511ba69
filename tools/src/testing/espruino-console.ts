import { constants, openSync } from "node:fs";
import { ReadStream, WriteStream } from "node:tty";
import vm from "node:vm";
import { crc32 } from "node:zlib";

/**
 * A minimal Espruino REPL on a serial port (one end of a socat pty pair), for
 * testing tools that talk to a board. It takes input as the interpreter does
 * (0x10 at a line's start: no echo for that line; ESC LF: a newline that does
 * not execute; Ctrl-C: drop the line), runs each line as JavaScript with just
 * what the tools use (print, reset, load, process.env, require("Storage"),
 * E.CRC32), and answers like the board: `=value` and a `>` prompt after
 * echoed lines, only printed output after silent ones.
 */
export class EspruinoConsole {
  /** every byte received, as one character per byte */
  received = "";
  /** Storage files by name, as bytes */
  readonly storage = new Map<string, Buffer>();
  /** what ran, in order: "reset()", "print()", "load()", "process.env", "Storage.write NAME OFFSET LENGTH", "error: …" */
  readonly events: string[] = [];

  private context!: vm.Context;
  private line = "";
  private silent = false;
  private escape: "" | "esc" | "csi" = "";
  private readonly input: ReadStream;
  private readonly output: WriteStream;
  private readonly fds: number[];

  constructor(path: string, private readonly env: Record<string, unknown>) {
    // Two descriptors: libuv wants one handle per descriptor.
    this.fds = [openSync(path, constants.O_RDWR | constants.O_NOCTTY), openSync(path, constants.O_RDWR | constants.O_NOCTTY)];
    this.input = new ReadStream(this.fds[0]!);
    this.output = new WriteStream(this.fds[1]!);
    this.input.on("data", (data: Buffer) => this.feed(data.toString("latin1")));
    this.resetContext();
  }

  close(): void {
    this.input.destroy();
    this.output.destroy();
  }

  private send(text: string): void {
    this.output.write(Buffer.from(text, "latin1"));
  }

  private feed(text: string): void {
    this.received += text;
    for (const c of text) {
      if (this.escape === "esc") {
        this.escape = c === "[" ? "csi" : "";
        if (c === "\n") this.line += "\n"; // Alt-Enter: a newline inside the statement
        continue;
      }
      if (this.escape === "csi") {
        if (/[A-Za-z]/.test(c)) this.escape = "";
        continue;
      }
      if (c === "\x1b") this.escape = "esc";
      else if (c === "\x03") {
        this.line = "";
        this.silent = false;
        this.send("\r\n>");
      } else if (c === "\x10" && this.line === "") this.silent = true;
      else if (c === "\n") {
        const line = this.line.replace(/\r$/, "");
        const silent = this.silent;
        this.line = "";
        this.silent = false;
        this.execute(line, silent);
      } else if (c !== "\r") this.line += c;
    }
  }

  private execute(line: string, silent: boolean): void {
    let result: unknown;
    try {
      result = line.trim() ? vm.runInContext(line, this.context) : undefined;
    } catch (e) {
      this.events.push(`error: ${(e as Error).message} in ${line.slice(0, 80)}`);
      this.send(`Uncaught ${(e as Error).message}\r\n`);
    }
    if (!silent) this.send(`\r\n=${result === undefined ? "undefined" : JSON.stringify(result)}\r\n>`);
  }

  private resetContext(): void {
    const print = (...args: unknown[]) => {
      if (args.length === 0) this.events.push("print()");
      this.send(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ") + "\r\n");
    };
    const env = this.env;
    const events = this.events;
    const storage = this.storage;
    const Storage = {
      // Espruino's Storage.write: with a size, a new file of that size (erased flash, 0xFF) gets
      // data at offset; without, data goes into the existing file at offset.
      write(name: string, data: string, offset?: number, size?: number) {
        events.push(`Storage.write ${name} ${offset ?? 0} ${data.length}`);
        const bytes = Buffer.from(data, "latin1");
        if (size !== undefined) storage.set(name, Buffer.alloc(size, 0xff));
        else if (offset === undefined) storage.set(name, Buffer.alloc(bytes.length, 0xff));
        const file = storage.get(name);
        if (!file || (offset ?? 0) + bytes.length > file.length) throw new Error(`Storage.write ${name}: outside the file`);
        bytes.copy(file, offset ?? 0);
        return true;
      },
      read(name: string) {
        return storage.get(name)?.toString("latin1");
      },
    };
    this.context = vm.createContext({
      print,
      reset: () => {
        events.push("reset()");
        this.resetContext();
        this.send(" ____                 _\r\n|  __|___ ___ ___ _ _|_|___ ___\r\n" + ` ${String(env.VERSION)} (emulated)\r\n`);
      },
      load: () => {
        events.push("load()");
        this.resetContext();
      },
      require: (name: string) => {
        if (name === "Storage") return Storage;
        throw new Error(`Module ${name} not found`);
      },
      process: {
        get env() {
          events.push("process.env");
          return env;
        },
      },
      E: { CRC32: (s: string) => crc32(Buffer.from(s, "latin1")) },
    });
  }
}
