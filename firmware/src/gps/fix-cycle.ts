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
/**
 * A wake-up is a hot start (1 s) only while the receiver's ephemeris serves, 4 h from its broadcast
 * (IS-GPS-200, 20.3.3.4.3.1); after, a warm start (27 s, NEO-6 Data Sheet Table 2). Short wake-ups do
 * not renew it, as its subframes repeat every 30 s (IS-GPS-200, 20.3.2): so after this much sleep the
 * GPS stays awake EPHEMERIS_AWAKE_S after a fix, two rounds of them.
 */
export const EPHEMERIS_AFTER_S = 3 * 3600;
export const EPHEMERIS_AWAKE_S = 60;

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
 * byte be lost. A GPS that finds no fix after a wake-up sleeps again after WAKE_TIMEOUT_S. Every
 * EPHEMERIS_AFTER_S of sleep it stays awake a minute after a fix, to renew its ephemeris.
 */
export class FixCycle {
  asleep = false;
  private timer: unknown;
  private closed = false;
  /** seconds asleep since the ephemeris was last renewed, and whether it is being renewed now */
  private sleptS = 0;
  private renewing = false;

  constructor(private readonly o: FixCycleOptions) {}

  /** A fix was kept: sleep until the next is due, when that is long enough to be worth a wake-up. */
  kept(f: WireFix): void {
    if (this.renewing) return; // its sleep is planned already
    const o = this.o;
    const moving = f.speed !== null && f.speed >= o.turnMinSpeed;
    const s = (moving ? Math.min(o.everyS, o.minDistanceM / f.speed!) : o.maxIntervalS) - WAKE_LEAD_S;
    if (this.sleptS < EPHEMERIS_AFTER_S) return this.sleepFor(s);
    this.o.clock.clearTimeout(this.timer);
    this.sleptS = 0;
    this.renewing = true;
    this.timer = this.o.clock.setTimeout(() => {
      this.renewing = false;
      this.sleepFor(s - EPHEMERIS_AWAKE_S);
    }, EPHEMERIS_AWAKE_S * 1000);
  }

  /** The next fix is wanted now (an SOS). */
  wakeNow(): void {
    if (this.asleep) this.wake();
  }

  /** Wakes the GPS if it sleeps and stops the cycle; safe twice. */
  close(): void {
    this.wakeNow();
    this.o.clock.clearTimeout(this.timer);
    this.renewing = false;
    this.closed = true;
  }

  private sleepFor(s: number): void {
    this.o.clock.clearTimeout(this.timer);
    if (this.closed || s < WAKE_LEAD_S) return;
    this.asleep = true;
    this.sleptS += s;
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
