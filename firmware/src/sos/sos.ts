import type { Clock } from "../hal/hardware.ts";
import type { Files } from "../hal/files.ts";
import { SOS_CANCELLED, SOS_NONE, SOS_ON } from "../wire/batch.ts";

/** The card's record of the SOS: a line per change ("1" standing, "2" cancelled and not yet told, "0" told); the last whole line counts. */
export const SOS_FILE = "SOS.TXT";

export interface SosOptions {
  files: Files;
  clock: Clock;
  /** how often a standing SOS sends a fix again (2 minutes) */
  repeatMs: number;
  /** send now: a fix and the state (at the change, and every repeatMs while it stands) */
  report: () => void;
  /** each change of state, for the LEDs and the console */
  onChange: (state: number) => void;
  /** the time of day (ms), for changedAt */
  now?: () => number;
}

/**
 * The paddler's SOS: SOS_ON from a hold of the button until the next hold, then SOS_CANCELLED
 * until a batch that says so is acknowledged (wire/batch.ts). Kept on the card, so a power cut
 * neither ends an SOS nor loses its cancel.
 */
export class Sos {
  state: number;
  /** the server acknowledged a batch that carried this SOS (the LED then says so) */
  sent = false;
  /** when the state last changed (ms; 0 for a state read back at boot) */
  changedAt = 0;
  private timer: unknown;

  constructor(private readonly o: SosOptions) {
    this.state = lastState(o.files);
    if (this.state === SOS_ON) this.repeat();
  }

  /** The button was held: raise, or cancel a standing SOS. */
  toggle(): void {
    this.set(this.state === SOS_ON ? SOS_CANCELLED : SOS_ON);
    this.o.report();
    this.repeat();
  }

  /** A batch carrying `carried` was acknowledged: a cancel is told; an SOS is known, and stands until the paddler ends it. */
  told(carried: number): void {
    if (carried === SOS_CANCELLED && this.state === SOS_CANCELLED) this.set(SOS_NONE);
    else if (carried === SOS_ON && this.state === SOS_ON && !this.sent) {
      this.sent = true;
      this.o.onChange(this.state);
    }
  }

  close(): void {
    this.o.clock.clearTimeout(this.timer);
  }

  private repeat(): void {
    const o = this.o;
    o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.state !== SOS_ON) return;
    this.timer = o.clock.setTimeout(() => {
      o.report();
      this.repeat();
    }, o.repeatMs);
  }

  private set(state: number): void {
    this.state = state;
    this.sent = false;
    this.changedAt = this.o.now ? this.o.now() : 0;
    // Appended, never rewritten: no moment without the state on the card (two bytes a change;
    // boot reads the last 64). A card that fails does not stop the SOS from going out.
    try {
      this.o.files.append(SOS_FILE, state + "\n");
    } catch (e) {
      // the next change tries again
    }
    this.o.onChange(state);
  }
}

/** The state the card's SOS.TXT ends with (none when there is no file). */
function lastState(files: Files): number {
  const size = files.size(SOS_FILE);
  const lines = files.read(SOS_FILE, Math.max(0, size - 64), 64).split("\n");
  // The last line is whole only when a newline follows it.
  for (let i = lines.length - 2; i >= 0; i--) {
    const v = lines[i];
    if (v === "0" || v === "1" || v === "2") return Number(v);
  }
  return SOS_NONE;
}
