import { SerialPort as NodeSerialPort } from "serialport";
import { NodeFiles } from "./node-files.ts";
import { createInterface } from "node:readline";
import { readButtonLine } from "./button-line.ts";
import type { Button, Hardware, HardwareClock, OutputPin, SerialPort } from "./hardware.ts";

/** A serial device on a laptop (a USB adapter, or one end of a pseudo-terminal pair) through serialport. Bytes are latin1 characters. */
export class NodeSerial implements SerialPort {
  private port: NodeSerialPort | undefined;
  private receiver: ((chunk: string) => void) | undefined;
  /** the last error the port reported (writes are queued; a failure shows here and in the log) */
  error: Error | undefined;

  constructor(o: { path: string; baudRate: number; log?: (m: string) => void }) {
    const port = new NodeSerialPort({ path: o.path, baudRate: o.baudRate });
    port.on("data", (b: Buffer) => this.receiver && this.receiver(b.toString("latin1")));
    port.on("error", (e: Error) => {
      this.error = e;
      if (o.log) o.log(`${o.path}: ${e.message}`);
    });
    this.port = port;
  }

  /** Opens, or rejects with the port's error: call before relying on the port. */
  opened(): Promise<void> {
    const port = this.port!;
    return port.isOpen ? Promise.resolve() : new Promise((resolve, reject) => port.once("open", resolve).once("error", reject));
  }

  write(data: string): void {
    if (!this.port || this.port.closed || this.error) throw new Error(`serial port ${this.port ? this.port.path : ""} is closed${this.error ? `: ${this.error.message}` : ""}`);
    this.port.write(Buffer.from(data, "latin1"));
  }

  onData(receive: (chunk: string) => void): void {
    this.receiver = receive;
  }

  close(): void {
    const port = this.port;
    this.port = undefined;
    if (port && port.isOpen) port.close();
  }
}

/**
 * The laptop's clock: real timers, run `speedup` times faster than real time
 * (the simulator's --speedup) from the start. GPS time "sets" it by keeping an
 * offset: a laptop's own clock is not the tracker's to change.
 */
export function nodeClock(speedup = 1): HardwareClock {
  // Sped up, a timer still lasts at least 250 ms of real time (unless asked for less): an AT
  // command's 1 s timeout must not become a few ms, shorter than a round trip through a pty.
  const real = (ms: number) => (speedup === 1 ? ms : Math.max(ms / speedup, Math.min(ms, 250)));
  const realStart = Date.now();
  let offset = 0;
  const uptime = () => (Date.now() - realStart) * speedup;
  const now = () => realStart + uptime() + offset;
  return {
    now,
    uptime,
    setTime: (ms) => {
      offset += ms - now();
    },
    setTimeout: (fn, ms) => setTimeout(fn, real(ms)),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  };
}

export interface NodeHardwareOptions {
  /** serial device of the GPS, e.g. /dev/ttyUSB0 or a pty */
  gps: string;
  /** serial device of the SIM900 (or its emulator); none when batches go straight over HTTP */
  modem?: string;
  /** the directory standing in for the SD card */
  card: string;
  speedup?: number;
  /** the modem's PWRKEY: on a laptop, whatever the host wires it to (the emulator's powerKey) */
  powerKey?: OutputPin;
  /** the SOS button: on a laptop, lines a host types (lineButton) */
  button?: Button;
  log?: (message: string) => void;
}

const noPin: OutputPin = { write() {} };

/** No modem wired (--uplink http): nothing comes from it, and sending to it is a mistake. */
const noModem: SerialPort & { opened(): Promise<void> } = {
  write() {
    throw new Error("no modem is wired: batches go straight over HTTP");
  },
  onData() {},
  close() {},
  opened: () => Promise.resolve(),
};

/** A button pressed by lines on a stream (button-line.ts): the simulator's presses on run-firmware's standard input. */
export function lineButton(input: NodeJS.ReadableStream): Button {
  let lines: ReturnType<typeof createInterface> | undefined;
  return {
    onChange(receive) {
      lines = createInterface({ input });
      lines.on("line", (line) => {
        const pressed = readButtonLine(line);
        if (pressed !== undefined) receive(pressed);
      });
    },
    close() {
      if (lines) lines.close();
      lines = undefined;
    },
  };
}

/** The hardware layer on a laptop: the same drivers as on the board, given serialport, node:fs and Node's timers. */
export function nodeHardware(o: NodeHardwareOptions): Hardware & { gps: NodeSerial; modem: SerialPort & { opened(): Promise<void> } } {
  const log = o.log ?? ((m: string) => console.log(m));
  return {
    gps: new NodeSerial({ path: o.gps, baudRate: 9600, log }),
    modem: o.modem ? new NodeSerial({ path: o.modem, baudRate: 9600, log }) : noModem,
    modemPowerKey: o.powerKey ?? noPin,
    ...(o.button && { button: o.button }),
    files: new NodeFiles(o.card),
    clock: nodeClock(o.speedup),
    red: noPin,
    green: noPin,
    battery: () => null,
    kickWatchdog() {},
    log,
  };
}
