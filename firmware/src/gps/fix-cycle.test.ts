import { describe, expect, it } from "vitest";
import { SimClock } from "../hal/sim-clock.ts";
import type { WireFix } from "../wire/batch.ts";
import { EPHEMERIS_AFTER_S, EPHEMERIS_AWAKE_S, FixCycle, SETTLE_FIXES, WAKE_LEAD_S, WAKE_TIMEOUT_S } from "./fix-cycle.ts";

const fix = (speed: number | null): WireFix => ({ time: 0, lat: 59.9, lon: 10.7, alt: null, speed, course: null, hdop: 1, sats: 8 });

/** A cycle as the expedition preset makes it (a fix a minute or 100 m, every 10 minutes standing still), and what it did. */
function cycle() {
  const clock = new SimClock();
  const did: string[] = [];
  const c = new FixCycle({
    gps: { sleep: (ms) => did.push(`gps sleep ${ms}`), wake: () => did.push("gps wake") },
    clock,
    everyS: 60,
    minDistanceM: 100,
    maxIntervalS: 600,
    turnMinSpeed: 0.8,
    onWake: (n) => did.push(`keep after ${n}`),
    onSleep: (asleep) => did.push(asleep ? "board may sleep" : "board awake"),
  });
  return { clock, did, c };
}

describe("FixCycle", () => {
  it("sleeps until the next fix is due, less the wake-up's lead: a minute, or sooner when 100 m come sooner", async () => {
    const { clock, did, c } = cycle();
    c.kept(fix(1)); // 100 m take 100 s at 1 m/s: the minute decides
    expect(did).toEqual([`gps sleep ${(60 - WAKE_LEAD_S) * 1000}`, "board may sleep"]);
    expect(c.asleep).toBe(true);
    await clock.run((60 - WAKE_LEAD_S) * 1000 - 1);
    expect(did).toHaveLength(2);
    await clock.run(1);
    expect(did.slice(2)).toEqual(["gps wake", "board awake", `keep after ${SETTLE_FIXES}`]);
    expect(c.asleep).toBe(false);
    did.length = 0;
    c.kept(fix(2.5)); // 100 m in 40 s
    expect(did[0]).toBe(`gps sleep ${(40 - WAKE_LEAD_S) * 1000}`);
    c.close();
  });

  it("standing still, sleeps for the sampler's longest interval; too fast to be worth it, stays awake", async () => {
    const { clock, did, c } = cycle();
    c.kept(fix(0.3));
    expect(did[0]).toBe(`gps sleep ${(600 - WAKE_LEAD_S) * 1000}`);
    c.kept(fix(null)); // no speed: standing still too
    expect(did.filter((d) => d.startsWith("gps sleep"))).toHaveLength(2);
    await clock.run((600 - WAKE_LEAD_S) * 1000);
    did.length = 0;
    c.kept(fix(20)); // 100 m in 5 s: no time to sleep
    expect(did).toEqual([]);
    expect(c.asleep).toBe(false);
    expect(clock.pending).toBe(0); // the wake-up's timeout went with the kept fix
    c.close();
  });

  it("a wake-up that finds no fix sleeps again after its timeout", async () => {
    const { clock, did, c } = cycle();
    c.kept(fix(2));
    await clock.run((50 - WAKE_LEAD_S) * 1000);
    did.length = 0;
    await clock.run(WAKE_TIMEOUT_S * 1000);
    expect(did).toEqual([`gps sleep ${(600 - WAKE_LEAD_S) * 1000}`, "board may sleep"]);
    c.close();
  });

  it("wakes at once for an SOS, and close() wakes the GPS and stops; safe twice", () => {
    const { clock, did, c } = cycle();
    c.kept(fix(1));
    did.length = 0;
    c.wakeNow();
    expect(did).toEqual(["gps wake", "board awake", `keep after ${SETTLE_FIXES}`]);
    c.wakeNow(); // awake already: nothing
    expect(did).toHaveLength(3);
    c.kept(fix(1));
    c.close();
    c.close();
    expect(did.slice(-3)).toEqual(["gps wake", "board awake", `keep after ${SETTLE_FIXES}`]);
    expect(clock.pending).toBe(0);
    c.kept(fix(1)); // closed: no more sleeping
    expect(c.asleep).toBe(false);
  });

  it("after three hours asleep, stays awake a minute after a fix to renew the ephemeris, then sleeps the rest", async () => {
    const { clock, did, c } = cycle();
    let sleeps = 0;
    while (sleeps * (600 - WAKE_LEAD_S) < EPHEMERIS_AFTER_S) {
      c.kept(fix(0)); // standing still: 10 minutes a cycle
      await clock.run((600 - WAKE_LEAD_S) * 1000);
      sleeps++;
    }
    did.length = 0;
    c.kept(fix(0));
    c.kept(fix(0)); // a fix the sampler keeps meanwhile changes nothing
    expect(did).toEqual([]);
    await clock.run(EPHEMERIS_AWAKE_S * 1000);
    expect(did).toEqual([`gps sleep ${(600 - WAKE_LEAD_S - EPHEMERIS_AWAKE_S) * 1000}`, "board may sleep"]);
    await clock.run((600 - WAKE_LEAD_S - EPHEMERIS_AWAKE_S) * 1000);
    did.length = 0;
    c.kept(fix(0)); // renewed: the next cycles sleep at once
    expect(did[0]).toBe(`gps sleep ${(600 - WAKE_LEAD_S) * 1000}`);
    c.close();
  });
});
