import { corpusLogs, gpsdFixes, readLog } from "@kayaktrack/firmware/testing/gpsd-corpus";
import { describe, expect, it } from "vitest";
import { ImportError } from "./import-error.ts";
import { parseNmeaLog } from "./nmea-import.ts";

const logs = corpusLogs();

describe("parseNmeaLog on real receivers' logs", () => {
  it("puts every fix where gpsd put it (same second, within 1e-6 degrees)", () => {
    let compared = 0;
    let imported = 0;
    for (const log of logs) {
      let fixes;
      try {
        fixes = parseNmeaLog(readLog(log)).fixes;
      } catch (e) {
        expect(e, log).toBeInstanceOf(ImportError); // a log without RMC fixes
        continue;
      }
      imported += fixes.length;
      // By time of day: gpsd may move old logs' dates on by GPS week rollovers.
      const gpsd = new Map(gpsdFixes(log).map((t) => [Date.parse(t.time) % 86_400_000, t]));
      for (const f of fixes) {
        const g = gpsd.get(Math.round(f.time * 1000) % 86_400_000);
        if (!g) continue;
        compared++;
        expect(Math.abs(f.lat - g.lat), `${log} at ${f.time}`).toBeLessThan(1e-6);
        expect(Math.abs(f.lon - g.lon), `${log} at ${f.time}`).toBeLessThan(1e-6);
      }
    }
    expect(imported).toBeGreaterThan(1000);
    expect(compared / imported).toBeGreaterThan(0.9);
  });

  it("merges the GGA of the same second and counts bad lines without failing the log", () => {
    const log = [
      "# Date: 2001-06-06",
      "$GPGGA,225308,4527.458,S,16709.165,E,1,05,1.5,14.7,M,1.1,M,,*54",
      "$GPRMC,225308,A,4527.458,S,16709.165,E,000.0,094.5,060601,024.1,E*6D",
      "$GPRMC,225310,A,4527.458,S,16709.165,E,000.0,094.5,060601,024.1,E*00",
      "garbage",
      "$GPRMC,225312,V,,,,,,,060601,,*00",
    ].join("\r\n");
    const { fixes, skipped } = parseNmeaLog(log);
    expect(fixes).toEqual([
      { time: Date.parse("2001-06-06T22:53:08Z") / 1000, lat: -(45 + 27.458 / 60), lon: 167 + 9.165 / 60, alt: 14.7, speed: 0, course: 94.5, hdop: 1.5, sats: 5, accuracy: null, battery: null },
    ]);
    expect(skipped).toEqual({ "bad checksum": 2, "not a sentence": 1 });
  });

  it("skips an RMC whose position is unreadable though its checksum holds (two corrupted bytes that cancel out)", () => {
    const sentence = (body: string) => `$${body}*${[...body].reduce((x, c) => x ^ c.charCodeAt(0), 0).toString(16).toUpperCase().padStart(2, "0")}`;
    const log = [
      sentence("GPRMC,225308,A,4527.458,S,16709.165,E,000.0,094.5,060601,024.1,E"),
      // A corrupted latitude digit, and a corrupted hemisphere, each with a checksum that holds.
      sentence("GPRMC,225309,A,4`27.458,S,16709.165,E,000.0,094.5,060601,024.1,E"),
      sentence("GPRMC,225310,A,4527.458,X,16709.165,E,000.0,094.5,060601,024.1,E"),
    ].join("\n");
    const { fixes, skipped } = parseNmeaLog(log);
    expect(fixes.map((f) => f.time)).toEqual([Date.parse("2001-06-06T22:53:08Z") / 1000]);
    expect(skipped).toEqual({ "unreadable position": 2 });
  });

  it("refuses a log without a dated RMC fix", () => {
    expect(() => parseNmeaLog("$GPGGA,225308,4527.458,S,16709.165,E,1,05,1.5,14.7,M,1.1,M,,*7E\n")).toThrow(/no valid RMC sentences with a date/);
  });
});
