import { describe, expect, it } from "vitest";
import { SimClock } from "./hal/sim-clock.ts";
import { StatusLed } from "./status-led.ts";

describe("StatusLed", () => {
  it("blinks the pattern's LED with its timing, and goes dark on close", async () => {
    const clock = new SimClock(0);
    const log: string[] = [];
    const led = new StatusLed({ clock, red: { write: (on) => on && log.push(`R${clock.now()}`) }, green: { write: (on) => on && log.push(`G${clock.now()}`) } });
    led.show("searching");
    await clock.run(2500);
    expect(log).toEqual(["G0", "G1000", "G2000"]);
    log.length = 0;
    led.show("error");
    await clock.run(450);
    expect(log).toEqual(["R2500", "R2700", "R2900"]);
    led.close();
    expect(clock.pending).toBe(0);
  });
});
