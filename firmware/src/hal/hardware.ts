import type { Files } from "./files.ts";

/**
 * The hardware layer, ECMA-419 style: drivers receive these objects rather
 * than reaching for globals, so the same drivers run on the board
 * (hal/espruino-hardware.ts) and on a laptop (hal/node-hardware.ts).
 */

/** A serial port. write() sends all of it or throws; close() is safe twice. Data is one byte per character. */
export interface SerialPort {
  write(data: string): void;
  /** the one receiver of incoming data, in chunks of any size */
  onData(receive: (chunk: string) => void): void;
  close(): void;
}

/** A digital output: a LED, or the transistor on the modem's PWRKEY. */
export interface OutputPin {
  write(on: boolean): void;
}

/** A digital input: the modem's STATUS line. */
export interface InputPin {
  read(): boolean;
}

/** A push button: its one receiver hears each press (true) and release (false), debounced. close() is safe twice. */
export interface Button {
  onChange(receive: (pressed: boolean) => void): void;
  close(): void;
}

/** Timers, given to drivers rather than taken from globals (the board, Node and tests each have their own). */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The clock: timers, and the time of day, which GPS time sets. Setting it moves
 * now() only: pending timers keep their remaining time, and uptime() goes on.
 */
export interface HardwareClock extends Clock {
  /** milliseconds since 1970 */
  now(): number;
  setTime(epochMs: number): void;
  /** milliseconds since boot, never moved by setTime: what timers and schedules measure */
  uptime(): number;
}

export interface Hardware {
  gps: SerialPort;
  modem: SerialPort;
  modemPowerKey: OutputPin;
  /** the modem's STATUS output (high while it is on), where the board wires it */
  modemStatus?: InputPin;
  /** the modem's DTR input (high lets it sleep, with AT+CSCLK=1), where the board wires it */
  modemDtr?: OutputPin;
  /** the SD card (or the simulator's directory), undefined when no card answers */
  files: Files | undefined;
  clock: HardwareClock;
  /** the SOS button (the Pico's BTN, or a pin the wiring names), where there is one */
  button?: Button;
  /** red: trouble, green: all well */
  red: OutputPin;
  green: OutputPin;
  /** battery volts, or null where not measured */
  battery(): number | null;
  /** keeps the board's watchdog from resetting it; a hang resets the board */
  kickWatchdog(): void;
  /** allows deep sleep between timers (STM32 Stop, 0.02 mA), where the board has it: its UARTs hear nothing then */
  deepSleep?(allowed: boolean): void;
  log(message: string): void;
}
