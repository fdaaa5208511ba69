import { describe, expect, it } from "vitest";
import { Playback, type FrameClock } from "./playback.ts";

/** Animation frames run by hand. */
function manualClock() {
  let pending: ((now: number) => void) | undefined;
  const clock: FrameClock = {
    requestFrame: (cb) => {
      pending = cb;
      return 1;
    },
    cancelFrame: () => {
      pending = undefined;
    },
  };
  return { clock, frame: (now: number) => pending?.(now), get waiting() { return pending !== undefined; } };
}

describe("Playback", () => {
  it("runs trip time at its rate from frame to frame", () => {
    const m = manualClock();
    const times: number[] = [];
    const p = new Playback(1000, 2000, { onTime: (t) => times.push(t), clock: m.clock });
    p.setRate(8);
    p.play();
    m.frame(5000); // starts the clock
    m.frame(6000);
    expect(p.time).toBe(1008);
    p.setRate(64);
    m.frame(6500);
    expect(p.time).toBe(1040);
    expect(times).toEqual([1008, 1040]);
  });

  it("pauses and resumes without counting the pause", () => {
    const m = manualClock();
    const p = new Playback(0, 100, { onTime: () => {}, clock: m.clock });
    p.setRate(1);
    p.play();
    m.frame(0);
    m.frame(1000);
    p.pause();
    expect(m.waiting).toBe(false);
    p.play();
    m.frame(60_000);
    m.frame(61_000);
    expect(p.time).toBe(2);
  });

  it("stops at the end and starts again from the start", () => {
    const m = manualClock();
    const states: boolean[] = [];
    const p = new Playback(0, 10, { onTime: () => {}, onState: (s) => states.push(s), clock: m.clock });
    p.setRate(64);
    p.play();
    m.frame(0);
    m.frame(1000);
    expect(p.time).toBe(10);
    expect(p.playing).toBe(false);
    p.play();
    expect(p.time).toBe(0);
    expect(states).toEqual([true, false, true]);
  });

  it("keeps seeks inside the trip", () => {
    const p = new Playback(0, 10, { onTime: () => {} });
    p.seek(-5);
    expect(p.time).toBe(0);
    p.seek(50);
    expect(p.time).toBe(10);
  });
});
