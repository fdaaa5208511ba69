import type { HardwareClock, OutputPin } from "./hal/hardware.ts";

/**
 * Blink patterns: [LED (1 red, 0 green), ms on, ms off]. Short flashes far
 * apart, because a LED lit for hours costs more than the board asleep.
 */
export const PATTERNS = {
  /** a config or card problem: the console says which */
  error: [1, 100, 100],
  /** waiting for the first fix */
  searching: [0, 50, 950],
  /** fixes are being kept */
  tracking: [0, 50, 4950],
  /** the modem is on */
  uploading: [0, 500, 500],
  /** the last upload failed: retrying later */
  retrying: [1, 50, 4950],
  /** an SOS the server has not acknowledged yet: red, fast */
  sos: [1, 250, 250],
  /** an SOS the server has: red, nearly steady */
  "sos-sent": [1, 1900, 100],
  /** an SOS cancelled, the server not yet told: green, fast */
  cancelling: [0, 250, 250],
};
export type LedPattern = keyof typeof PATTERNS;

export class StatusLed {
  pattern: LedPattern | undefined;
  private timer: unknown;
  private lit = false;

  constructor(private readonly o: { red: OutputPin; green: OutputPin; clock: HardwareClock }) {}

  show(pattern: LedPattern | undefined): void {
    if (pattern === this.pattern) return;
    this.pattern = pattern;
    this.o.clock.clearTimeout(this.timer);
    this.lit = false; // the first step lights it
    this.step();
  }

  close(): void {
    this.show(undefined);
  }

  private step(): void {
    const p = this.pattern && PATTERNS[this.pattern];
    this.lit = !!p && !this.lit;
    this.o.red.write(this.lit && p![0] === 1);
    this.o.green.write(this.lit && p![0] === 0);
    if (p) this.timer = this.o.clock.setTimeout(() => this.step(), this.lit ? p[1]! : p[2]!);
  }
}
