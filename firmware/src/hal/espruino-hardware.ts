import { powerKeyLine } from "./power-key-line.ts";
import { EspruinoFiles } from "./espruino-files.ts";
import type { Button, Hardware, HardwareClock, OutputPin, SerialPort } from "./hardware.ts";

// Espruino's globals (espruino.com/Reference).
interface EspruinoSerial {
  setup(baud: number, options: Record<string, unknown>): void;
  write(data: string): void;
  on(event: "data", cb: (data: string) => void): void;
  removeAllListeners(event: string): void;
}
declare const E: {
  connectSDCard(spi?: unknown, csPin?: unknown): void;
  enableWatchdog(timeoutS: number, isAuto: boolean): void;
  kickWatchdog(): void;
  getAnalogVRef(): number;
};
declare const global: Record<string, any>;
declare const USB: { setConsole(force: boolean): void } | undefined;
declare function digitalWrite(pin: unknown, value: boolean): void;
declare function analogRead(pin: unknown): number;
declare function digitalRead(pin: unknown): number;
declare function pinMode(pin: unknown, mode: string): void;
declare function setWatch(fn: (e: { state: boolean }) => void, pin: unknown, o: Record<string, unknown>): unknown;
declare function clearWatch(id: unknown): void;
declare const setDeepSleep: ((on: boolean) => void) | undefined;

/** A UART (Serial1…), or on the interpreter for a PC a serial device given by `path`. */
export class EspruinoSerialPort implements SerialPort {
  private port: EspruinoSerial | undefined;

  constructor(o: { port: EspruinoSerial; baud: number; rx?: unknown; tx?: unknown; path?: string }) {
    const options: Record<string, unknown> = o.path ? { path: o.path } : { rx: o.rx, tx: o.tx };
    o.port.setup(o.baud, options);
    this.port = o.port;
  }

  write(data: string): void {
    if (!this.port) throw new Error("serial port closed");
    this.port.write(data);
  }

  onData(receive: (chunk: string) => void): void {
    if (this.port) this.port.on("data", receive);
  }

  close(): void {
    if (this.port) this.port.removeAllListeners("data");
    this.port = undefined;
  }
}

export const espruinoPin = (pin: unknown): OutputPin => ({ write: (on) => digitalWrite(pin, on) });

/**
 * A button between a pin and 3.3 V (the Pico's BTN is wired so), read with the pin pulled down:
 * setWatch on both edges, debounced 50 ms (espruino.com/Reference#l__global_setWatch).
 */
export function espruinoButton(pin: unknown): Button {
  let id: unknown;
  return {
    onChange(receive) {
      pinMode(pin, "input_pulldown");
      id = setWatch((e) => receive(e.state), pin, { repeat: true, edge: "both", debounce: 50 });
    },
    close() {
      if (id !== undefined) clearWatch(id);
      id = undefined;
    },
  };
}

/**
 * The button of the interpreter on a PC, which has no pins: the host presses it by typing
 * `kayaktrack.press(1)` and `kayaktrack.press(0)` on the interpreter's console.
 */
export function consoleButton(): Button {
  let receiver: ((pressed: boolean) => void) | undefined;
  if (!global.kayaktrack) global.kayaktrack = {};
  global.kayaktrack.press = (pressed: unknown) => receiver && receiver(!!pressed);
  return {
    onChange(receive) {
      receiver = receive;
    },
    close() {
      receiver = undefined;
    },
  };
}

/**
 * The board's clock. GPS time sets it as an offset, never with the interpreter's
 * setTime(): that re-bases every pending timer on the new time, and on the
 * interpreter for Linux (which cannot move the host's clock) a move 19.6 years
 * back made a 2 s interval fire over a million times in four minutes, and a
 * move forward stops every timer (firmware/README.md, Espruino pitfalls).
 */
export function espruinoClock(): HardwareClock {
  const boot = Date.now();
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    setTime: (ms) => {
      offset = ms - Date.now();
    },
    uptime: () => Date.now() - boot,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => {
      if (h !== undefined) clearTimeout(h as number);
    },
  };
}

/** Where things are connected (board/espruino-boards.ts): pin and port names, resolved at boot. */
export interface Wiring {
  gps: { serial: string; rx?: string; tx?: string; path?: string };
  modem: { serial: string; rx?: string; tx?: string; path?: string };
  /** SD card on SPI, or "builtin" (the Original's slot), or a directory on a PC */
  sd: { spi: string; sck: string; miso: string; mosi: string; cs: string } | "builtin" | { dir: string };
  /** a pin name, or "console" to print the presses (the interpreter on a PC) */
  powerKey: string | undefined;
  /** the modem's STATUS pin, where the shield breaks it out (docs/hardware.md) */
  modemStatus?: string;
  /** the pin wired to the modem's DTR, for sleep mode 1 (AT+CSCLK=1); without it the modem sleeps in mode 2 */
  modemDtr?: string;
  /** the SOS button's pin ("BTN" on the Pico), "console" on a PC; none: no SOS */
  button?: string;
  /** ADC pin behind a divider: battery volts = pin volts × ratio */
  battery: { pin: string; ratio: number } | undefined;
  red: string;
  green: string;
}

const noPin: OutputPin = { write() {} };

/** Builds the hardware layer from a wiring. The watchdog is on from here: 30 s without a kick resets the board. */
export function espruinoHardware(w: Wiring): Hardware {
  const g = global;
  const pin = (name: string | undefined): OutputPin =>
    name === "console" ? { write: (on) => console.log(powerKeyLine(on)) } : name ? espruinoPin(g[name]) : noPin;
  const sd = w.sd;
  let files: EspruinoFiles | undefined;
  try {
    if (sd === "builtin") E.connectSDCard();
    else if ("spi" in sd) {
      g[sd.spi].setup({ sck: g[sd.sck], miso: g[sd.miso], mosi: g[sd.mosi] });
      E.connectSDCard(g[sd.spi], g[sd.cs]);
    }
    files = new EspruinoFiles("dir" in (sd as object) ? (sd as { dir: string }).dir : "");
    files.list(); // throws when no card answers
  } catch (e) {
    files = undefined;
  }
  // Without USB the Pico moves its console to Serial1, where the GPS is: keep it on USB (PICO_R1_3.py).
  if (typeof USB !== "undefined" && !w.gps.path) USB.setConsole(true);
  const serial = (s: Wiring["gps"]) => new EspruinoSerialPort({ port: g[s.serial], baud: 9600, rx: s.rx && g[s.rx], tx: s.tx && g[s.tx], path: s.path });
  let watchdog = false;
  try {
    E.enableWatchdog(30, false);
    watchdog = true;
  } catch (e) {
    // the interpreter on a PC has none
  }
  const battery = w.battery;
  return {
    gps: serial(w.gps),
    modem: serial(w.modem),
    modemPowerKey: pin(w.powerKey),
    modemStatus: w.modemStatus ? { read: () => !!digitalRead(g[w.modemStatus!]) } : undefined,
    modemDtr: w.modemDtr ? espruinoPin(g[w.modemDtr]) : undefined,
    button: w.button === "console" ? consoleButton() : w.button ? espruinoButton(g[w.button]) : undefined,
    files,
    clock: espruinoClock(),
    red: pin(w.red),
    green: pin(w.green),
    battery: () => (battery ? analogRead(g[battery.pin]) * E.getAnalogVRef() * battery.ratio : null),
    kickWatchdog: () => {
      if (watchdog) E.kickWatchdog();
    },
    // STM32 boards only (jswrap_interactive.c); timers and setWatch wake the board (espruino.com/Power+Consumption).
    deepSleep: typeof setDeepSleep === "function" ? setDeepSleep : undefined,
    log: (m) => console.log(m),
  };
}
