import type { HardwareClock } from "./hardware.ts";

interface Timer {
  at: number;
  id: number;
  fn: () => void;
}

/**
 * A simulated clock for tests and the power-cut runs on Node: time moves only
 * when run() moves it, timer by timer, letting promise chains settle between
 * timers, so hours of tracker time pass in milliseconds and every run repeats.
 */
export class SimClock implements HardwareClock {
  private t: number;
  /** what setTime() moved now() by, in all */
  private moved = 0;
  private timers: Timer[] = [];
  private nextId = 1;
  /** what run() awaits between timers; a test whose timers start real async work (a server) can wait for it too */
  idle: () => Promise<void> = settle;

  private readonly start: number;

  constructor(startMs = Date.UTC(2026, 5, 1, 8, 0, 0)) {
    this.t = startMs;
    this.start = startMs;
  }

  now(): number {
    return this.t;
  }

  /** ms since the clock was made, never moved by setTime */
  uptime(): number {
    return this.t - this.start - this.moved;
  }

  setTime(epochMs: number): void {
    // Pending timers keep their remaining time, as the hardware clocks promise (hardware.ts).
    const shift = epochMs - this.t;
    for (const timer of this.timers) timer.at += shift;
    this.t = epochMs;
    this.moved += shift;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { at: this.t + Math.max(0, ms), id: this.nextId++, fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** timers waiting */
  get pending(): number {
    return this.timers.length;
  }

  /** Forgets every timer: what a power cut does to the board's. */
  reset(): void {
    this.timers = [];
  }

  /**
   * Moves time forward by `ms`, firing the timers that fall due in order, and
   * stops early when `until` says so (checked after each timer).
   */
  async run(ms: number, until?: () => boolean): Promise<void> {
    const end = this.t + ms;
    await this.idle();
    for (;;) {
      if (until && until()) return;
      let next: Timer | undefined;
      for (const timer of this.timers) if (!next || timer.at < next.at || (timer.at === next.at && timer.id < next.id)) next = timer;
      if (!next || next.at > end) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await this.idle();
    }
    this.t = Math.max(this.t, end);
  }
}

/** Lets pending promise callbacks run (a macrotask turn drains the microtask queue). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
