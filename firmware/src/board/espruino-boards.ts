import type { Wiring } from "../hal/espruino-hardware.ts";

/**
 * The one place that knows the wiring (docs/hardware.md has the same tables,
 * each pin checked against the board's pinout). GPS: GY-GPS6MV1 (u-blox NEO-6M) at 9600 baud;
 * modem: SIM900 shield at 9600 baud, its PWRKEY through the shield's D9 input.
 */
export const PICO: Wiring = {
  gps: { serial: "Serial1", rx: "B7", tx: "B6" },
  modem: { serial: "Serial2", rx: "A3", tx: "A2" },
  sd: { spi: "SPI2", sck: "B13", miso: "B14", mosi: "B15", cs: "B1" },
  powerKey: "B3",
  // The Pico's own button: held 3 s it raises an SOS (another pin to 3.3 V works too: docs/hardware.md).
  button: "BTN",
  battery: { pin: "A5", ratio: 2 },
  red: "LED1",
  green: "LED2",
};

/** GPS off Serial1 (A9/A10 are the console without USB), SIM900 off A3 (not 5 V tolerant). The tracker outgrows its 20 KB of saved code. */
export const ORIGINAL: Wiring = {
  gps: { serial: "Serial2", rx: "A3", tx: "A2" },
  modem: { serial: "Serial3", rx: "B11", tx: "B10" },
  sd: "builtin",
  powerKey: "C6",
  button: "BTN1",
  battery: { pin: "A1", ratio: 2 },
  red: "LED1",
  green: "LED2",
};

/**
 * The interpreter on a PC (process.env.BOARD is "LINUX"): GPS and modem on
 * serial devices such as pseudo-terminals, the card a directory; the host
 * names them in the global KAYAKTRACK_PORTS before loading the bundle.
 */
export const linux = (ports: { gps: string; modem: string; dir?: string }): Wiring => ({
  gps: { serial: "Serial1", path: ports.gps },
  modem: { serial: "Serial2", path: ports.modem },
  sd: { dir: ports.dir || "" },
  // No pin on a PC: the press is printed, and the simulator passes it to its SIM900 emulator.
  powerKey: "console",
  // No button either: the host types kayaktrack.press(1) and kayaktrack.press(0).
  button: "console",
  battery: undefined,
  red: "",
  green: "",
});

/** The wiring for process.env.BOARD, or undefined for a board kayaktrack does not know. */
export function boardWiring(board: string, ports: { gps: string; modem: string; dir?: string } | undefined): Wiring | undefined {
  if (board.indexOf("PICO") === 0) return PICO;
  if (board === "ESPRUINOBOARD") return ORIGINAL;
  if (board === "LINUX" && ports) return linux(ports);
  return undefined;
}
