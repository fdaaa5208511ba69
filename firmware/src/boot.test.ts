import { describe, expect, it } from "vitest";
import { SimClock } from "./hal/sim-clock.ts";
import { MemoryFiles } from "./hal/files.ts";
import { journalLineFix } from "./journal/journal.ts";
import { backup, powerSave } from "./gps/ublox-config.ts";
import { SETTLE_FIXES } from "./gps/fix-cycle.ts";
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
    expect(hw.gps.written.length).toBe(9); // UBX-CFG messages
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

  it("expedition: the GPS sleeps in backup between fixes a minute or 100 m apart, and the board deep sleeps but not while uploading", async () => {
    const files = new MemoryFiles();
    const { hw, deepSleeps } = testHardware(files, new SimClock(T0 * 1000));
    const server = new RecordingServer();
    const t = boot(hw, { baked: { ...BAKED, preset: "expedition" }, uplink: uplinkTo(server, hw.clock) })!;
    const setup = hw.gps.written.length;
    // The receiver: silent from a backup request (UBX-RXM-PMREQ) until a byte wakes it, then a fix a second.
    const asleep = () => hw.gps.written.length > setup && hw.gps.written.at(-1)!.slice(2, 4) === "\x02\x41";
    let awakeS = 0;
    const uploadingWhileDeep: number[] = [];
    const fedAt: number[] = [];
    for (let s = 0; s < 3600; s++) {
      if (!asleep()) {
        awakeS++;
        fedAt.push(s);
        hw.gps.receive(nmeaEpoch({ time: T0 + s, lat: 59.9, lon: 10.7 + (s * 2) / 55_800, speed: 2, course: 90 }));
      }
      if (t.uploader.state === "uploading" && deepSleeps.at(-1)) uploadingWhileDeep.push(s);
      await hw.clock.run(1000);
    }
    const kept = files.data["J0000001.TXT"]!.trim().split("\n").map((l) => journalLineFix(l)!.time - T0);
    // 100 m at 2 m/s: a fix every 50 s, each kept after the wake-up's settling fixes (the first of which is the held epoch from before).
    const gaps = kept.slice(2).map((k, i) => k - kept[i + 1]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(48);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(52);
    expect(kept.length).toBeGreaterThan(65);
    for (const k of kept.slice(2)) expect(fedAt.filter((s) => s < k && s > k - 10).length, `fix at ${k}`).toBeGreaterThanOrEqual(SETTLE_FIXES - 1);
    // 100 m at 2 m/s less the wake-up's lead (the speed as NMEA gives it, in knots to 0.1).
    const durations = hw.gps.written.filter((m) => m.slice(2, 4) === "\x02\x41").map((m) => [6, 7, 8, 9].reduce((d, i, k) => d + m.charCodeAt(i) * 256 ** k, 0));
    expect(durations.length).toBeGreaterThan(65);
    for (const d of durations) expect(Math.abs(d - 45_000)).toBeLessThan(1000);
    expect(hw.gps.written).toContain(backup(durations[0]!));
    expect(hw.gps.written.filter((m) => m === "\xff").length).toBeGreaterThan(65);
    // The GPS awake about 6 s of each 50, the board allowed to deep sleep the rest but never while an upload was under way.
    expect(awakeS).toBeLessThan(600);
    expect(t.deepSleepS()).toBeGreaterThan(2800);
    expect(uploadingWhileDeep).toEqual([]);
    expect(server.batchesSeen.length).toBeGreaterThanOrEqual(1);
    expect(deepSleeps.filter((d) => d).length).toBeGreaterThan(65);
    t.stop();
    expect(hw.gps.written.at(-1)).toBe("\xff"); // stopped awake
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

  describe("SOS", () => {
    /** Holds the SOS button for 3 s, at 1 epoch a second of GPS. */
    async function hold(hw: ReturnType<typeof testHardware>["hw"], at: number) {
      hw.button.set(true);
      await paddle(hw, at, 3);
      hw.button.set(false);
    }

    it("a 3 s hold sends the boat's fix with the SOS within seconds, again every 2 minutes; the next hold cancels it", async () => {
      const files = new MemoryFiles();
      const { hw, logs } = testHardware(files, new SimClock(T0 * 1000));
      const server = new RecordingServer();
      // A 5 s upload (the modem's session), and a schedule that would wait 10 minutes.
      const t = boot(hw, { baked: { ...BAKED, uploadEveryS: 600, uploadAfterFixes: 1000 }, uplink: uplinkTo(server, hw.clock, 5000) })!;
      await paddle(hw, 0, 120);
      await hold(hw, 120);
      expect(t.sos.state).toBe(1);
      expect(t.led.pattern).toBe("sos");
      await paddle(hw, 123, 10);
      // Held at 120 s: the hold counts at 123 s; the next fix out of the parser (122's epoch, which
      // the next epoch's sentences end) is kept whatever the sampler says, and goes 2 s later.
      // It goes first with that fix alone (its seq above any journal seq), ahead of the fixes pending.
      const sos = server.batchesSeen.filter((b) => b.sos === 1);
      expect(sos[0]).toMatchObject({ fixes: 1 });
      expect(sos[0]!.seq).toBeGreaterThan(2 ** 52);
      expect(sos[0]!.lastTime).toBeGreaterThanOrEqual(T0 + 122);
      expect(t.led.pattern).toBe("sos-sent");
      expect(logs).toContain("kayaktrack: SOS acknowledged by the server");
      // Standing still (every fix 0 m from the last): a fix every 2 minutes all the same.
      for (let s = 133; s < 133 + 300; s++) {
        hw.gps.receive(nmeaEpoch({ time: T0 + s, lat: 59.9, lon: 10.71, speed: 0, course: 90 }));
        await hw.clock.run(1000);
      }
      // Batches while it stands go every 2 minutes at least, not at the 10-minute schedule.
      const during = server.batchesSeen.filter((b) => b.sos === 1).slice(1);
      expect(during.length).toBeGreaterThanOrEqual(3);
      expect(during.every((b) => b.fixes >= 1)).toBe(true);
      const sosCount = server.batchesSeen.filter((b) => b.sos === 1).length;
      await hold(hw, 433);
      await paddle(hw, 436, 10);
      expect(server.batchesSeen.at(-1)!.sos).toBe(2);
      expect(t.sos.state).toBe(0);
      expect(files.data["SOS.TXT"]).toBe("1\n2\n0\n");
      await paddle(hw, 446, 700);
      expect(server.batchesSeen.at(-1)!.sos).toBe(0);
      expect(server.batchesSeen.filter((b) => b.sos === 1)).toHaveLength(sosCount);
    });

    it("dates a new SOS by the clock, not by a fix from before the GPS was lost", async () => {
      const { hw } = testHardware(new MemoryFiles(), new SimClock(T0 * 1000));
      const server = new RecordingServer();
      boot(hw, { baked: BAKED, uplink: uplinkTo(server, hw.clock, 2000) })!;
      await paddle(hw, 0, 30);
      await hold(hw, 30);
      await paddle(hw, 33, 10);
      await hold(hw, 43);
      await paddle(hw, 46, 10);
      // The GPS loses its fix; a minute later the paddler raises an SOS again.
      await hw.clock.run(60_000);
      hw.button.set(true);
      await hw.clock.run(10_000);
      const last = server.batchesSeen.at(-1)!;
      expect([last.sos, last.fixes]).toEqual([1, 0]);
      expect(last.seq - 2 ** 52).toBeGreaterThan((T0 + 56) * 10);
    });

    it("survives a power cut: the board back up sends the standing SOS at once", async () => {
      const files = new MemoryFiles();
      const server = new RecordingServer();
      const first = testHardware(files, new SimClock(T0 * 1000));
      const t = boot(first.hw, { baked: BAKED, uplink: uplinkTo(server, first.hw.clock, 5000) })!;
      await paddle(first.hw, 0, 30);
      first.hw.button.set(true);
      await first.hw.clock.run(3000);
      t.stop(); // the power goes before any upload
      expect(server.batchesSeen.filter((b) => b.sos === 1)).toHaveLength(0);
      const second = testHardware(files, new SimClock((T0 + 60) * 1000));
      const t2 = boot(second.hw, { baked: BAKED, uplink: uplinkTo(server, second.hw.clock, 5000) })!;
      expect(t2.sos.state).toBe(1);
      expect(second.logs).toContain("kayaktrack: SOS still raised");
      await paddle(second.hw, 60, 10);
      expect(server.batchesSeen.filter((b) => b.sos === 1).length).toBeGreaterThanOrEqual(1);
    });

    it("sends an SOS with no fix (no GPS yet) as a batch of none, and one a server that reads no version 3 refuses goes again without it", async () => {
      const { hw, logs } = testHardware(new MemoryFiles(), new SimClock(T0 * 1000));
      const server = new RecordingServer();
      const t = boot(hw, { baked: BAKED, uplink: uplinkTo(server, hw.clock, 5000) })!;
      hw.button.set(true);
      await hw.clock.run(10_000);
      expect(server.batchesSeen).toEqual([{ seq: expect.any(Number), sos: 1, fixes: 0, lastTime: undefined }]);
      expect(server.batchesSeen[0]!.seq).toBeGreaterThan(2 ** 52);
      t.stop();

      // An older server: version 3 is malformed to it.
      const old = new RecordingServer();
      old.reply = () => undefined;
      const oldHw = testHardware(new MemoryFiles(), new SimClock(T0 * 1000));
      const sent: number[] = [];
      const uplink = { upload: (body: string) => new Promise<{ status: number; body: string }>((resolve) => oldHw.hw.clock.setTimeout(() => {
        const v = body.charCodeAt(0);
        sent.push(v);
        resolve(v === 3 ? { status: 400, body: '{"error":"malformed batch","detail":"wire format version 3; this server reads 1 to 2"}' } : old.handle(body));
      }, 5000)) };
      const t3 = boot(oldHw.hw, { baked: BAKED, uplink })!;
      await paddle(oldHw.hw, 0, 20);
      await hold(oldHw.hw, 20);
      await paddle(oldHw.hw, 23, 30);
      expect(sent).toContain(3);
      expect(sent.at(-1)).toBe(2);
      expect(old.received.map((f) => f.time)).toContain(T0 + 22);
      expect(oldHw.logs).toContain("kayaktrack upload: the server reads no SOS (wire version 3): batches go without it");
      expect(t3.sos.state).toBe(1);
      void logs;
    });
  });
});

