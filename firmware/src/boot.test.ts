import { describe, expect, it } from "vitest";
import { SimClock } from "./hal/sim-clock.ts";
import { MemoryFiles } from "./hal/files.ts";
import { journalLineFix } from "./journal/journal.ts";
import { powerSave } from "./gps/ublox-config.ts";
import { CONFIG_FILE, boot, SERVER_FILE } from "./boot.ts";
import { nmeaEpoch } from "./testing/nmea-epoch.ts";
import { RecordingServer } from "./testing/recording-server.ts";
import { testHardware } from "./testing/test-hardware.ts";
import type { Uplink } from "./uplink/uploader.ts";

const BAKED = { device: 9, token: "secret", server: "http://kayak.example:8080" };
const T0 = Date.UTC(2026, 5, 1, 9) / 1000;

function uplinkTo(server: RecordingServer, clock: SimClock, ms = 15_000): Uplink {
  return { upload: (body) => new Promise((resolve) => clock.setTimeout(() => resolve(server.handle(body)), ms)) };
}

/** A boat heading east at 2 m/s, one epoch a second from `from` for `seconds`, fed as the GPS would. */
async function paddle(hw: ReturnType<typeof testHardware>["hw"], from: number, seconds: number) {
  for (let s = from; s < from + seconds; s++) {
    hw.gps.receive(nmeaEpoch({ time: T0 + s, lat: 59.9, lon: 10.7 + (s * 2) / 55_800, speed: 2, course: 90 }));
    await hw.clock.run(1000);
  }
}

describe("boot", () => {
  it("takes GPS data to the journal and the server; GPS time sets the clock; the GPS gets RMC and GGA only", async () => {
    const files = new MemoryFiles();
    const { hw } = testHardware(files, new SimClock(Date.UTC(2000, 0, 1)));
    const server = new RecordingServer();
    const t = boot(hw, { baked: BAKED, uplink: uplinkTo(server, hw.clock) })!;
    expect(hw.gps.written.length).toBe(8); // UBX-CFG messages
    await paddle(hw, 0, 900);
    expect(Math.abs(hw.clock.now() / 1000 - (T0 + 900))).toBeLessThan(3);
    await hw.clock.run(3600_000);
    const journaled = files.data["J0000001.TXT"]!.trim().split("\n").map((l) => journalLineFix(l)!.time);
    expect(journaled.length).toBeGreaterThan(60);
    expect(server.received.map((f) => f.time)).toEqual(journaled);
    expect(t.uploader.state).toBe("idle");
  });

  it("kicks the watchdog every 10 s, and puts the GPS in power save after the first fix when asked", async () => {
    const files = new MemoryFiles();
    const { hw, watchdog } = testHardware(files, new SimClock(T0 * 1000));
    const server = new RecordingServer();
    boot(hw, { baked: { ...BAKED, gpsPowerSave: true }, uplink: uplinkTo(server, hw.clock) })!;
    const setup = hw.gps.written.length;
    await hw.clock.run(30_000);
    expect(watchdog.kicks).toBe(3);
    expect(hw.gps.written.length, "no power save before a fix").toBe(setup);
    await paddle(hw, 30, 3);
    expect(hw.gps.written.slice(setup)).toEqual([powerSave(true)]);
    await paddle(hw, 33, 30);
    expect(hw.gps.written.length, "once only").toBe(setup + 1);
  });

  it("closes the GPS's and the modem's ports when stopped, through their drivers (issue 23)", () => {
    const { hw } = testHardware(new MemoryFiles());
    const t = boot(hw, { baked: BAKED })!;
    expect([hw.gps.closed, hw.modem.closed]).toEqual([false, false]);
    t.stop();
    expect([hw.gps.closed, hw.modem.closed]).toEqual([true, true]);
    t.stop(); // safe twice
  });

  it("keeps the server's interval settings on the card, also after a restart", async () => {
    const files = new MemoryFiles();
    const { hw } = testHardware(files);
    const server = new RecordingServer();
    server.settings = ["every=300", "after=40"];
    boot(hw, { baked: BAKED, uplink: uplinkTo(server, hw.clock) })!;
    await paddle(hw, 0, 60);
    await hw.clock.run(60_000);
    expect(files.data[SERVER_FILE]).toBe('{"uploadEveryS":300,"uploadAfterFixes":40}\n');
    const again = testHardware(files).hw;
    const t = boot(again, { baked: BAKED, uplink: uplinkTo(server, again.clock) })!;
    expect([t.config.uploadEveryS, t.config.uploadAfterFixes]).toEqual([300, 40]);
  });

  it("says what is wrong with a bad config and shows the error LED instead of running", async () => {
    const files = new MemoryFiles();
    files.append(CONFIG_FILE, '{"apn": 5, "uploadEveryS": 10}');
    const { hw, logs, leds, watchdog } = testHardware(files);
    expect(boot(hw, { baked: { device: 9 } })).toBeUndefined();
    expect(logs).toEqual([
      "kayaktrack config: apn: must be a string",
      "kayaktrack config: uploadEveryS: must be a whole number from 60 to 86400",
      "kayaktrack config: token: missing",
      "kayaktrack config: server: must be an http:// URL (the SIM900 speaks no TLS)",
    ]);
    await hw.clock.run(1000);
    expect(leds.length).toBeGreaterThan(3);
    expect(new Set(leds)).toEqual(new Set(["red"]));
    // The board stays up showing the error: the watchdog is still kicked, so it never resets in a loop.
    await hw.clock.run(60_000);
    expect(watchdog.kicks).toBe(6);

    files.remove(CONFIG_FILE);
    files.append(CONFIG_FILE, '{"apn": "web", ');
    const broken = testHardware(files);
    expect(boot(broken.hw, { baked: BAKED })).toBeUndefined();
    expect(broken.logs[0]).toMatch(/^kayaktrack config: CONFIG.TXT is not valid JSON/);

    const nocard = testHardware(undefined);
    expect(boot(nocard.hw, { baked: BAKED })).toBeUndefined();
    expect(nocard.logs).toEqual(["kayaktrack: no SD card: insert one and restart"]);
  });
});
