/** How the clock of a playback advances (the browser's animation frames, or a test's). */
export interface FrameClock {
  requestFrame(cb: (nowMs: number) => void): number;
  cancelFrame(id: number): void;
}

export const browserClock: FrameClock = {
  requestFrame: (cb) => requestAnimationFrame(cb),
  cancelFrame: (id) => cancelAnimationFrame(id),
};

export const PLAYBACK_RATES = [1, 2, 4, 8, 16, 32, 64] as const;

/**
 * A trip's playback clock: trip time runs from `start` to `end` (epoch s) at
 * `rate` times real time while playing, and stops at the end. Each change of
 * time is reported to `onTime`; play and pause to `onState`.
 */
export class Playback {
  time: number;
  rate = 16;
  playing = false;
  private frame: number | undefined;
  private last: number | undefined;

  constructor(
    readonly start: number,
    readonly end: number,
    private readonly io: { onTime: (t: number) => void; onState?: (playing: boolean) => void; clock?: FrameClock },
  ) {
    this.time = start;
  }

  private get clock(): FrameClock {
    return this.io.clock ?? browserClock;
  }

  play(): void {
    if (this.playing) return;
    if (this.time >= this.end) this.seek(this.start);
    this.playing = true;
    this.last = undefined;
    this.frame = this.clock.requestFrame(this.tick);
    this.io.onState?.(true);
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    if (this.frame !== undefined) this.clock.cancelFrame(this.frame);
    this.frame = undefined;
    this.io.onState?.(false);
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  seek(t: number): void {
    this.time = Math.max(this.start, Math.min(this.end, t));
    this.io.onTime(this.time);
  }

  setRate(rate: number): void {
    this.rate = rate;
  }

  private readonly tick = (now: number): void => {
    if (!this.playing) return;
    // The first frame only starts the clock, so a long pause is not played as one jump.
    if (this.last !== undefined) this.seek(this.time + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.time >= this.end) this.pause();
    else this.frame = this.clock.requestFrame(this.tick);
  };
}
