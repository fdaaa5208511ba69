import { parseNmeaSentence } from "nmea-simple";
import { describe, expect, it } from "vitest";
import { withChecksum } from "./nmea-checksum.ts";

describe("withChecksum", () => {
  it("gives the checksums a real u-blox receiver sent (gpsd's LEA-5H log)", () => {
    expect(withChecksum("GPTXT,01,01,02,u-blox ag - www.u-blox.com")).toBe("$GPTXT,01,01,02,u-blox ag - www.u-blox.com*50");
    expect(withChecksum("GPVTG,,T,,M,0.211,N,0.391,K,A")).toBe("$GPVTG,,T,,M,0.211,N,0.391,K,A*2A");
    expect(withChecksum("GPGSA,A,3,27,15,09,28,18,08,,,,,,,3.33,2.51,2.20")).toMatch(/\*04$/);
    expect(withChecksum("AB")).toBe("$AB*03"); // two digits, always
  });

  it("is accepted by nmea-simple, which rejects any other checksum", () => {
    const line = withChecksum("GPGLL,5155.55442,N,00434.65873,E,083723.00,A,A");
    expect(parseNmeaSentence(line)).toMatchObject({ sentenceId: "GLL", status: "valid" });
    const wrong = line.slice(0, -2) + (line.endsWith("00") ? "01" : "00");
    expect(() => parseNmeaSentence(wrong)).toThrow();
  });

  it("refuses a body that would break the framing", () => {
    expect(() => withChecksum("GPTXT,01,01,02,a*b")).toThrow(/cannot hold/);
  });
});
