import { describe, expect, it } from "vitest";
import { gpsSetup, measurementRate, nmeaRate, powerSave } from "./ublox-config.ts";

const hex = (s: string) => [...s].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join(" ");

describe("u-blox configuration", () => {
  // Frames as u-center shows them for these settings.
  it("frames UBX messages with the Fletcher checksum", () => {
    expect(hex(nmeaRate("GLL", 0))).toBe("b5 62 06 01 03 00 f0 01 00 fb 11");
    expect(hex(nmeaRate("GSV", 0))).toBe("b5 62 06 01 03 00 f0 03 00 fd 15");
    expect(hex(measurementRate(1000))).toBe("b5 62 06 08 06 00 e8 03 01 00 01 00 01 39");
    expect(hex(powerSave(true))).toBe("b5 62 06 11 02 00 08 01 22 92");
  });

  it("asks at boot for RMC and GGA only", () => {
    const setup = gpsSetup(1000);
    const on = setup.filter((m) => m.charCodeAt(3) === 1 && m.charCodeAt(8) === 1).map((m) => m.charCodeAt(7));
    expect(on.sort()).toEqual([0, 4]);
  });
});
