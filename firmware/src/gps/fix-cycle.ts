import type { Clock } from "../hal/hardware.ts";
import type { WireFix } from "../wire/batch.ts";

/**
 * Fixes passed over after a wake-up before one is kept: first the epoch the reader still held when
 * the GPS went to sleep (an epoch ends when the next begins), then three seconds of the hot start's
 * (1 s, NEO-6 Data Sheet GPS.G6-HW-09005-E Table 2). ASSUMPTION, no u-blox figure found: a hot
 * start's first fixes come from a navigation filter that has just restarted.
 */
export const SETTLE_FIXES = 4;
/** From the wake-up to a kept fix: the hot start and the settling fixes at 1 Hz. */
export const WAKE_LEAD_S = 5;
/** No fix this long after a wake-up (a roof, a lost sky): sleep anyway, and try again later. */
export const WAKE_TIMEOUT_S = 90;

export interface FixCycleOptions {
  /** the NEO-6M driver's backup state and early wake (neo6m.ts) */
  gps: { sleep(ms: number): void; wake(): void };
  clock: Clock;
  /** the next fix at most this long after the last one, while moving (gpsFixEveryS) */
  everyS: number;
  /** … or sooner, when the last speed covers this distance sooner (the sampler's minDistanceM) */
  minDistanceM: number;
  /** standing still (slower than turnMinSpeed): a fix this often (the sampler's maxIntervalS) */
  maxIntervalS: number;
  turnMinSpeed: number;
  /** the GPS is awake again: keep the first fix after `settleFixes` (FixKeeper.keepAfter) */
  onWake: (settleFixes: number) => void;
  /** the GPS went to sleep (true) or woke (false): the board may deep sleep while it sleeps */
  onSleep: (asleep: boolean) => void;
}

/**
 * Sparse fixes: after each kept fix the GPS goes to backup (UBX-RXM-PMREQ) until the next is
 * due, and the board may deep sleep (its UART hears nothing then, and the GPS says nothing). The
 * board's timer wakes the GPS with a byte; the request's own duration wakes it too, should the
 * byte be lost. A GPS that finds no fix after a wake-up sleeps again after WAKE_TIMEOUT_S.
 */
export class FixCycle {
  asleep = false;
  private timer: unknown;
  private closed = false;

  constructor(private readonly o: FixCycleOptions) {}

  /** A fix was kept: sleep until the next is due, when that is long enough to be worth a wake-up. */
  kept(f: WireFix): void {
    const o = this.o;
    const moving = f.speed !== null && f.speed >= o.turnMinSpeed;
    this.sleepFor((moving ? Math.min(o.everyS, o.minDistanceM / f.speed!) : o.maxIntervalS) - WAKE_LEAD_S);
  }

  /** The next fix is wanted now (an SOS). */
  wakeNow(): void {
    if (this.asleep) this.wake();
  }

  /** Wakes the GPS if it sleeps and stops the cycle; safe twice. */
  close(): void {
    this.wakeNow();
    this.o.clock.clearTimeout(this.timer);
    this.closed = true;
  }

  private sleepFor(s: number): void {
    this.o.clock.clearTimeout(this.timer);
    if (this.closed || s < WAKE_LEAD_S) return;
    this.asleep = true;
    this.o.gps.sleep(Math.round(s * 1000));
    this.o.onSleep(true);
    this.timer = this.o.clock.setTimeout(() => this.wake(), s * 1000);
  }

  private wake(): void {
    this.o.clock.clearTimeout(this.timer);
    this.asleep = false;
    this.o.gps.wake();
    this.o.onSleep(false);
    this.o.onWake(SETTLE_FIXES);
    this.timer = this.o.clock.setTimeout(() => this.sleepFor(this.o.maxIntervalS - WAKE_LEAD_S), WAKE_TIMEOUT_S * 1000);
  }
}
