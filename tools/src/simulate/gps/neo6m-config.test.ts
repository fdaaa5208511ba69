import { gpsSetup, powerSave } from "@kayaktrack/firmware/ublox-config";
import { describe, expect, it } from "vitest";
import { Neo6mConfig } from "./neo6m-config.ts";

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
      expect(c.frames).toBe(8);
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
});
