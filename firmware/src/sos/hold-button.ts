import type { Button, Clock } from "../hal/hardware.ts";

export interface HoldButtonOptions {
  /** the button, which this driver owns from now on and closes */
  button: Button;
  clock: Clock;
  /** how long a press must last (3 s: no bump in a kayak does that) */
  holdMs: number;
  /** once for each press held `holdMs`, while it is still held */
  onHold: () => void;
}

/** Turns a button's presses into holds: a press that lasts `holdMs` counts once; a shorter one not at all. */
export class HoldButton {
  private button: Button | undefined;
  private timer: unknown;

  constructor(private readonly o: HoldButtonOptions) {
    this.button = o.button;
    o.button.onChange((pressed) => {
      o.clock.clearTimeout(this.timer);
      this.timer = undefined;
      if (pressed) {
        this.timer = o.clock.setTimeout(() => {
          this.timer = undefined;
          o.onHold();
        }, o.holdMs);
      }
    });
  }

  close(): void {
    this.o.clock.clearTimeout(this.timer);
    if (this.button) this.button.close();
    this.button = undefined;
  }
}
