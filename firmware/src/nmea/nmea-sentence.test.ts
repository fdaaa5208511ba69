import { parseNmeaSentence } from "nmea-simple";
import { describe, expect, it } from "vitest";
import { LOGS, readLog } from "../testing/corpus.ts";
import { NmeaFramer } from "./nmea-framer.ts";
import { NmeaDecoder } from "./nmea-decoder.ts";
import { checksumOk, dateDays, daysFromCivil, timeOfDay, type Sentence } from "./nmea-sentence.ts";
import { KNOT } from "../units.ts";

/** Every framed sentence of every corpus log. */
const sentences: string[] = [];
for (const log of LOGS) new NmeaFramer((s) => sentences.push(s)).feed(readLog(log));

const close = (a: number | undefined, b: number | undefined, digits = 9) => {
  if (a === undefined || b === undefined || Number.isNaN(b)) return;
  expect(a).toBeCloseTo(b, digits);
};
const utcTod = (d: Date) => d.getTime() % 86_400_000;

describe("NmeaDecoder against nmea-simple on real receivers' sentences", () => {
  it("decodes RMC, GGA, GLL, VTG, GSA and ZDA as nmea-simple does", () => {
    const decoder = new NmeaDecoder();
    const compared: Record<string, number> = {};
    for (const line of sentences) {
      const ours = decoder.decode(line);
      if (!ours) continue;
      let theirs;
      try {
        theirs = parseNmeaSentence(line) as unknown as Record<string, unknown>;
      } catch {
        continue; // nmea-simple refuses some valid variants (extra fields, BD talker)
      }
      const where = `${line}`;
      compared[ours.type] = (compared[ours.type] ?? 0) + 1;
      compare(ours, theirs, where);
    }
    // Every sentence type was compared on many real sentences.
    for (const type of ["RMC", "GGA", "GLL", "VTG", "GSA", "ZDA"]) expect(compared[type] ?? 0, type).toBeGreaterThan(50);
  });

  it("counts what it cannot use and never throws", () => {
    const d = new NmeaDecoder();
    for (const line of ["$GPGGA,1*00", "GPGGA", "$", "$GPGSV,1,1,00*79", "$PGRME,15.0,M,45.0,M,25.0,M*1C", "$GPGGA,,,,,,,,,,,,,,*56"]) {
      expect(() => d.decode(line)).not.toThrow();
    }
    expect(d.badChecksum).toBe(1);
    expect(d.unknown).toBe(4); // not a sentence, GSV, proprietary: no checksum spent on them
    // A GGA whose quality field is empty is read: unknown quality is not "no fix" (gpsd: a FireFly-II sends its position so).
    expect(d.malformed).toBe(0);
    expect(d.parsed).toBe(1);
  });
});

function compare(ours: Sentence, t: Record<string, unknown>, where: string) {
  const num = (k: string) => t[k] as number;
  switch (ours.type) {
    case "RMC":
      if (!ours.valid) return;
      close(ours.lat, num("latitude"));
      close(ours.lon, num("longitude"));
      close(ours.speed, num("speedKnots") * KNOT);
      // nmea-simple drops three-digit fractions of RMC times, so whole seconds are compared.
      if (ours.tod !== undefined) expect(Math.floor(ours.tod / 1000), where).toBe(Math.floor(utcTod(t.datetime as Date) / 1000));
      break;
    case "GGA":
      if (ours.quality === 0) return;
      close(ours.lat, num("latitude"));
      close(ours.lon, num("longitude"));
      close(ours.alt, num("altitudeMeters"));
      close(ours.hdop, num("horizontalDilution"));
      close(ours.sats, num("satellitesInView"));
      if (ours.tod !== undefined) expect(ours.tod, where).toBe(utcTod(t.time as Date));
      break;
    case "GLL":
      if (!ours.valid) return;
      close(ours.lat, num("latitude"));
      close(ours.lon, num("longitude"));
      if (ours.tod !== undefined) expect(ours.tod, where).toBe(utcTod(t.time as Date));
      break;
    case "VTG":
      close(ours.course, num("trackTrue"));
      close(ours.speed, num("speedKnots") * KNOT, 6);
      break;
    case "GSA":
      if (t.fixMode !== "unknown") expect(ours.fixType, where).toBe({ none: 1, "2D": 2, "3D": 3 }[t.fixMode as string]);
      close(ours.hdop, num("HDOP"));
      break;
    case "ZDA":
      if (ours.day !== undefined && ours.tod !== undefined) {
        expect(Math.floor((ours.day * 86_400_000 + ours.tod) / 1000), where).toBe(Math.floor((t.datetime as Date).getTime() / 1000));
      }
      break;
  }
}

describe("field decoding", () => {
  it("verifies checksums", () => {
    expect(checksumOk("$GPGGA,225308,4527.458,S,16709.165,E,1,05,1.5,14.7,M,1.1,M,,*54")).toBe(true);
    expect(checksumOk("$GPGGA,225308,4527.458,S,16709.165,E,1,05,1.5,14.7,M,1.1,M,,*55")).toBe(false);
    expect(checksumOk("$GPGGA,225308*")).toBe(false);
  });

  it("reads times with any fraction and two-digit years on both sides of 2000", () => {
    expect(timeOfDay("102143.990")).toBe(((10 * 60 + 21) * 60 + 43) * 1000 + 990);
    expect(timeOfDay("235959")).toBe(86_399_000);
    expect(timeOfDay("2401")).toBeUndefined();
    expect(dateDays("060601")).toBe(Date.UTC(2001, 5, 6) / 86_400_000);
    expect(dateDays("311299")).toBe(Date.UTC(1999, 11, 31) / 86_400_000);
    expect(dateDays("320101")).toBeUndefined();
  });

  it("reads no number from a field with a corrupted character, though two changes cancelled in the checksum", () => {
    // A NEO-6M GLL that 1% serial noise turned into this: '7' → '`' in the latitude, '2' → 'b' in the
    // time, and 0x37 ^ 0x60 = 0x32 ^ 0x62, so the checksum still holds. parseFloat read 4 and 7 s.
    const gll = "$GPGLL,4`16.93975,N,01350.20623,E,07b211.00,A,A";
    const x = [...gll.slice(1)].reduce((a, c) => a ^ c.charCodeAt(0), 0);
    const line = `${gll}*${x.toString(16).toUpperCase().padStart(2, "0")}`;
    expect(checksumOk(line)).toBe(true);
    expect(new NmeaDecoder().decode(line)).toMatchObject({ type: "GLL", lat: undefined, tod: undefined });
    expect(timeOfDay("07b211.00")).toBeUndefined();
    expect(dateDays("1`0624")).toBeUndefined();
  });

  it("computes days from civil dates exactly as Date.UTC, which Espruino lacks", () => {
    for (let y = 1970; y <= 2100; y += 7) {
      for (let m = 1; m <= 12; m += 5) expect(daysFromCivil(y, m, 28)).toBe(Date.UTC(y, m - 1, 28) / 86_400_000);
    }
    expect(daysFromCivil(2024, 2, 29)).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
  });
});
