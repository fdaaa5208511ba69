import type { Button, Hardware, SerialPort } from "../hal/hardware.ts";
import { SimClock } from "../hal/sim-clock.ts";
import type { Files } from "../hal/files.ts";

/** A serial port a test drives: what the firmware wrote, and receive() to send it data. */
export class TestSerial implements SerialPort {
  written: string[] = [];
  private receiver: ((chunk: string) => void) | undefined;
  closed = false;

  write(data: string): void {
    if (this.closed) throw new Error("closed");
    this.written.push(data);
  }
  onData(receive: (chunk: string) => void): void {
    this.receiver = receive;
  }
  close(): void {
    this.closed = true;
  }
  /** data from the device on the other end */
  receive(chunk: string): void {
    if (this.receiver) this.receiver(chunk);
  }
}

/** A button a test presses. */
export class TestButton implements Button {
  private receiver: ((pressed: boolean) => void) | undefined;
  closed = 0;

  onChange(receive: (pressed: boolean) => void): void {
    this.receiver = receive;
  }
  close(): void {
    this.closed++;
    this.receiver = undefined;
  }
  set(pressed: boolean): void {
    if (this.receiver) this.receiver(pressed);
  }
}

/** Hardware for the firmware on Node in tests: a simulated clock, a card in memory, serial ports the test drives. */
export function testHardware(files: Files | undefined, clock = new SimClock()) {
  const logs: string[] = [];
  const leds: string[] = [];
  const watchdog = { kicks: 0 };
  /** each call of deepSleep: allowed or not */
  const deepSleeps: boolean[] = [];
  const hw = {
    gps: new TestSerial(),
    modem: new TestSerial(),
    modemPowerKey: { write() {} },
    button: new TestButton(),
    files,
    clock,
    red: { write: (on: boolean) => on && leds.push("red") },
    green: { write: (on: boolean) => on && leds.push("green") },
    battery: () => 3.87,
    kickWatchdog() {
      watchdog.kicks++;
    },
    deepSleep: (allowed: boolean) => deepSleeps.push(allowed),
    log: (m: string) => logs.push(m),
  } satisfies Hardware;
  return { hw, logs, leds, watchdog, deepSleeps };
}
