import { backup, gpsSetup, powerSave } from "@kayaktrack/firmware/ublox-config";
import type { GpsEpoch } from "./gps-receiver.ts";
import { describe, expect, it } from "vitest";
import { EPHEMERIS_COLLECT_S, EPHEMERIS_VALID_S, HOT_START_S, Neo6mConfig, POWER_SAVE_MISSED, WARM_START_S } from "./neo6m-config.ts";

const bytes = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));

describe("Neo6mConfig", () => {
  it("obeys the firmware's boot configuration, however the bytes are split, and ignores noise", () => {
    const text = "garbage\xb5" + gpsSetup(1000).join("") + "\xb5\x62\x06\x01\x03\x00\xf0\x00\x00\x00\x00"; // the last: a bad checksum
    for (const step of [text.length, 1, 3, 7]) {
      const c = new Neo6mConfig(() => 0);
      for (let i = 0; i < text.length; i += step) c.feed(bytes(text.slice(i, i + step)));
      expect([...c.off].sort()).toEqual(["GLL", "GSA", "GSV", "VTG"]);
      expect(c.sends("$GPRMC,1*00")).toBe(true);
      expect(c.sends("$GPGGA,1*00")).toBe(true);
      expect(c.sends("$GPGSV,1*00")).toBe(false);
      expect(c.frames).toBe(gpsSetup(1000).length);
    }
  });

  it("times power save mode (UBX-CFG-RXM) on the trip's clock, however the bytes are split", () => {
    for (const step of [1, 5, 100]) {
      let now = 0;
      const c = new Neo6mConfig(() => now);
      const send = (text: string) => {
        for (let i = 0; i < text.length; i += step) c.feed(bytes(text.slice(i, i + step)));
      };
      send(gpsSetup(1000).join(""));
      now = 30;
      expect(c.powerSaveS()).toBe(0);
      send(powerSave(true));
      send(powerSave(true)); // said twice: still one stretch
      now = 330;
      expect(c.powerSaveS()).toBe(300);
      // A restart sends the boot configuration again, continuous tracking until the next fix.
      send(gpsSetup(1000).join(""));
      now = 400;
      expect(c.powerSaveS()).toBe(300);
      send(powerSave(true));
      now = 450;
      expect(c.powerSaveS()).toBe(350);
    }
  });

  const epoch = (time: number) => ({ time, state: "fix", fix: { lat: 59.9, lon: 10.7 } }) as unknown as GpsEpoch;

  it("in backup (UBX-RXM-PMREQ) says nothing until its duration ends, then gives no fix for a hot start", () => {
    let now = 100;
    const c = new Neo6mConfig(() => now);
    expect(c.epoch(epoch(now))?.fix).toBeDefined(); // tracking: its ephemeris is new
    c.feed(bytes(backup(45_000)));
    expect(c.inBackup()).toBe(true);
    now = 144.9;
    expect(c.epoch(epoch(now))).toBeUndefined();
    now = 145;
    expect(c.inBackup()).toBe(false);
    expect(c.epoch(epoch(now))?.fix, "hot start").toBeUndefined();
    now = 145 + HOT_START_S;
    expect(c.epoch(epoch(now))?.fix).toBeDefined();
    expect([c.backupS(), c.wakeUps, c.wakeStartS()]).toEqual([45, 1, HOT_START_S]);
  });

  it("wakes from backup at the first byte on its RX, which is lost; a duration of 0 sleeps until then", () => {
    for (const step of [1, 3, 100]) {
      let now = 0;
      const c = new Neo6mConfig(() => now);
      const send = (text: string) => {
        for (let i = 0; i < text.length; i += step) c.feed(bytes(text.slice(i, i + step)));
      };
      send(gpsSetup(1000).join(""));
      send(backup(0));
      now = 10_000;
      expect(c.inBackup()).toBe(true);
      expect(c.backupS()).toBe(10_000);
      // The waking byte is the first of a message: that message is lost with it, the next is heard.
      send(powerSave(true) + powerSave(true));
      expect(c.inBackup()).toBe(false);
      expect(c.wakeUps).toBe(1);
      now = 10_100;
      expect(c.powerSaveS()).toBe(100);
      expect(c.backupS()).toBe(10_000);
    }
  });

  it("in power save mode misses a share of updates, the same ones for the same seed", () => {
    const run = (seed: number) => {
      let now = 0;
      const c = new Neo6mConfig(() => now, seed);
      c.feed(bytes(powerSave(true)));
      const missed: number[] = [];
      for (now = 0; now < 2000; now++) if (!c.epoch(epoch(now))!.fix) missed.push(now);
      return missed;
    };
    const missed = run(7);
    expect(missed.length / 2000).toBeGreaterThan(POWER_SAVE_MISSED / 2);
    expect(missed.length / 2000).toBeLessThan(POWER_SAVE_MISSED * 2);
    expect(run(7)).toEqual(missed);
    const continuous = new Neo6mConfig(() => 0);
    for (let i = 0; i < 100; i++) expect(continuous.epoch(epoch(i))!.fix).toBeDefined();
  });

  it("a wake-up after its ephemeris aged past 4 hours is a warm start (27 s); a minute of tracking renews it", () => {
    let now = 0;
    const c = new Neo6mConfig(() => now);
    c.epoch(epoch(now));
    const sleepWake = (s: number) => {
      c.feed(bytes(backup(s * 1000)));
      now += s;
      c.inBackup();
    };
    // Short wake-ups of 5 s never renew it: after 4 hours of them, the starts turn warm.
    const starts: number[] = [];
    while (now < EPHEMERIS_VALID_S + 600) {
      const before = c.wakeStartS();
      sleepWake(55);
      for (let i = 0; i < 5; i++, now++) c.epoch(epoch(now));
      starts.push(c.wakeStartS() - before);
    }
    expect(starts[0]).toBe(HOT_START_S);
    expect(starts.at(-1)).toBe(WARM_START_S);
    // No fix during a warm start.
    sleepWake(55);
    expect(c.epoch(epoch(now))?.fix).toBeUndefined();
    now += WARM_START_S;
    expect(c.epoch(epoch(now))?.fix).toBeDefined();
    // A minute of tracking: the next start is hot again.
    for (let i = 0; i <= EPHEMERIS_COLLECT_S; i++, now++) c.epoch(epoch(now));
    const before = c.wakeStartS();
    sleepWake(600);
    expect(c.wakeStartS() - before).toBe(HOT_START_S);
  });
});
