import type { SerialPort } from "../hal/hardware.ts";
import { backup, gpsSetup, powerSave } from "./ublox-config.ts";

export interface Neo6mOptions {
  /** the GPS's UART, which the driver owns from now on and closes */
  port: SerialPort;
  /** the NMEA text as it arrives, in chunks of any size */
  onData: (chunk: string) => void;
  /** ms between fixes (UBX-CFG-RATE) */
  periodMs: number;
}

/**
 * The u-blox NEO-6M, ECMA-419 style: handed its serial port, it sets the
 * receiver up (ublox-config.ts: RMC and GGA only, one fix per period,
 * continuous tracking), passes its NMEA on, switches power save, sleeps in
 * backup and wakes, and closes the port. close() is safe twice.
 */
export class Neo6m {
  private port: SerialPort | undefined;

  constructor(o: Neo6mOptions) {
    this.port = o.port;
    const setup = gpsSetup(o.periodMs);
    for (let i = 0; i < setup.length; i++) o.port.write(setup[i]!);
    o.port.onData(o.onData);
  }

  /** UBX-CFG-RXM: power save mode (cyclic tracking) or continuous. */
  powerSave(on: boolean): void {
    if (this.port) this.port.write(powerSave(on));
  }

  /** UBX-RXM-PMREQ: backup state for `ms`, then a hot start by itself; silent meanwhile. */
  sleep(ms: number): void {
    if (this.port) this.port.write(backup(ms));
  }

  /** Wakes it from backup early: any byte on its RX does, and is lost (u-blox 6 Receiver Description §9.3.3). */
  wake(): void {
    if (this.port) this.port.write("\xff");
  }

  close(): void {
    if (this.port) this.port.close();
    this.port = undefined;
  }
}
