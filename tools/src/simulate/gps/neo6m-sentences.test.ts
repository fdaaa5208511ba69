import { FixReader, fixesFromNmea } from "@kayaktrack/firmware/fix-reader";
import { parseNmeaSentence, type GGAPacket, type GLLPacket, type GSAPacket, type GSVPacket, type RMCPacket, type VTGPacket } from "nmea-simple";
import { describe, expect, it } from "vitest";
import { KNOT } from "@kayaktrack/firmware/units";
import { gpsEpochs, nmeaDegrees, type GpsEpoch } from "./gps-receiver.ts";
import { NEO6M_BANNER, neo6mSentences, nmeaText, WEEK_ROLLOVER_S } from "./neo6m-sentences.ts";
import { Prng } from "../prng.ts";
import type { Satellite } from "./sky.ts";
import { coastalDay, lakeLoop } from "../world/synthetic-routes.ts";

const utc = (s: string) => Date.parse(s) / 1000;
const sat = (prn: number, elevation: number, azimuth: number, snr: number | undefined, used = false): Satellite => ({ prn, elevation, azimuth, snr, used });
const truth = { time: 0, lat: 0, lon: 0, alt: 0, speed: 0, course: 0, moving: false };

/** An epoch of gpsd's u-blox LEA-5H log (test/daemon/ublox-lea-5h.log, 2010-08-21 08:37:23), u-blox's NMEA dialect before the NEO-6M. */
const lea5h: GpsEpoch = {
  time: utc("2010-08-21T08:37:23Z"),
  truth,
  state: "fix",
  timeKnown: true,
  geoidSeparation: 46,
  fix: { lat: nmeaDegrees(51 + 55.55442 / 60), lon: nmeaDegrees(4 + 34.65873 / 60), alt: -4, speed: 0.211 * KNOT, course: undefined, hdop: 2.51, vdop: 2.2, pdop: 3.33, sats: 6 },
  satellites: [
    sat(5, 4, 187, undefined), sat(8, 11, 78, 29, true), sat(9, 43, 270, 37, true), sat(12, 3, 212, undefined),
    sat(15, 78, 214, 34, true), sat(17, 25, 106, 18), sat(18, 32, 294, 39, true), sat(22, 13, 324, 20),
    sat(24, 4, 342, undefined), sat(26, 55, 139, 24), sat(27, 62, 276, 36, true), sat(28, 39, 55, 26, true),
  ],
};

describe("neo6mSentences", () => {
  it("writes an epoch as a u-blox receiver did, byte for byte", () => {
    const lines = neo6mSentences(lea5h);
    expect(lines.map((l) => l.slice(0, 6))).toEqual(["$GPRMC", "$GPVTG", "$GPGGA", "$GPGSA", "$GPGSV", "$GPGSV", "$GPGSV", "$GPGLL"]);
    expect(lines[0]).toBe("$GPRMC,083723.00,A,5155.55442,N,00434.65873,E,0.211,,210810,,,A*7F");
    expect(lines[1]).toBe("$GPVTG,,T,,M,0.211,N,0.391,K,A*2A");
    expect(lines[2]).toBe("$GPGGA,083723.00,5155.55442,N,00434.65873,E,1,06,2.51,-4.0,M,46.0,M,,*70");
    // the receiver listed the used satellites in its own order; this lists them by PRN
    expect(lines[3]).toMatch(/^\$GPGSA,A,3,08,09,15,18,27,28,,,,,,,3.33,2.51,2.20\*[0-9A-F]{2}$/);
    expect(lines.slice(4, 7)).toEqual([
      "$GPGSV,3,1,12,05,04,187,,08,11,078,29,09,43,270,37,12,03,212,*75",
      "$GPGSV,3,2,12,15,78,214,34,17,25,106,18,18,32,294,39,22,13,324,20*77",
      "$GPGSV,3,3,12,24,04,342,,26,55,139,24,27,62,276,36,28,39,055,26*77",
    ]);
    expect(lines[7]).toBe("$GPGLL,5155.55442,N,00434.65873,E,083723.00,A,A*6E");
  });

  it("dates its epochs 1,024 weeks early with the week-rollover bug, the time of day right", () => {
    const rolled = neo6mSentences({ ...lea5h, dateErrorS: -WEEK_ROLLOVER_S })[0];
    // 2010-08-21 less 1,024 weeks is 1991-01-05.
    expect(rolled).toMatch(/^\$GPRMC,083723\.00,A,5155\.55442,N,00434\.65873,E,0\.211,,050191,,,A\*[0-9A-F]{2}$/);
  });

  it("writes a course and the southern and western hemispheres", () => {
    // the u-blox 6 Receiver Description's RMC example
    const rmc = neo6mSentences({ ...lea5h, time: utc("2002-12-09T08:35:59Z"), fix: { ...lea5h.fix!, lat: nmeaDegrees(47 + 17.11437 / 60), lon: nmeaDegrees(8 + 33.91522 / 60), speed: 0.004 * KNOT, course: 77.52 } })[0];
    expect(rmc).toBe("$GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A*57");
    const south = neo6mSentences({ ...lea5h, fix: { ...lea5h.fix!, lat: -33.5, lon: -0.25 } })[0];
    expect(south).toContain(",3330.00000,S,00015.00000,W,");
  });

  it("writes a cold start as a NEO-6M does: no time, no satellites, then time and satellites without a fix", () => {
    const cold: GpsEpoch = { ...lea5h, state: "cold-start", timeKnown: false, fix: undefined, satellites: [] };
    expect(neo6mSentences(cold)).toEqual([
      "$GPRMC,,V,,,,,,,,,,N*53",
      "$GPVTG,,,,,,,,,N*30",
      "$GPGGA,,,,,,0,00,99.99,,,,,,*48",
      "$GPGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99*30",
      "$GPGSV,1,1,00*79",
      "$GPGLL,,,,,,V,N*64",
    ]);
    // gpsd's LEA-4H log, 2006-08-10 03:08:51, before its first fix
    const searching = neo6mSentences({ ...cold, timeKnown: true, time: utc("2006-08-10T03:08:51Z"), satellites: [sat(2, 7, 178, 32), sat(4, 30, 150, 46), sat(28, 28, 95, 33)] });
    expect(searching[0]).toBe("$GPRMC,030851.00,V,,,,,,,100806,,,N*7D");
    expect(searching[2]).toMatch(/^\$GPGGA,030851.00,,,,,0,03,99.99,,,,,,\*/);
    expect(searching[4]).toMatch(/^\$GPGSV,1,1,03,02,07,178,32,04,30,150,46,28,28,095,33\*/);
    expect(searching[5]).toBe("$GPGLL,,,,,030851.00,V,N*45");
  });

  it("starts with the NEO-6M's power-on banner", () => {
    expect(NEO6M_BANNER[0]).toBe("$GPTXT,01,01,02,u-blox ag - www.u-blox.com*50");
    expect(NEO6M_BANNER[2]).toBe("$GPTXT,01,01,02,ROM CORE 7.03 (45969) Mar 17 2011 16:18:34*59");
  });
});

describe("a simulated trip's NMEA", () => {
  const epochs = [...gpsEpochs(coastalDay({ seed: 4 }), { seed: 4, rate: 1, duration: 3600, coldStart: 27, dropouts: [{ from: 600, to: 660 }] })];
  const sentences = epochs.map(neo6mSentences);
  const text = NEO6M_BANNER.map((s) => `${s}\r\n`).join("") + nmeaText(sentences.flat());
  const fixed = epochs.filter((e) => e.fix);

  it("parses with nmea-simple, every checksum valid, giving back what the receiver reported", () => {
    epochs.forEach((e, i) => {
      const packets = sentences[i]!.map((s) => parseNmeaSentence(s));
      const rmc = packets[0] as RMCPacket;
      const vtg = packets[1] as VTGPacket;
      const gga = packets[2] as GGAPacket;
      const gsa = packets[3] as GSAPacket;
      const gsv = packets.filter((p) => p.sentenceId === "GSV") as GSVPacket[];
      const gll = packets[packets.length - 1] as GLLPacket;
      expect(gsv.flatMap((p) => p.satellites.map((s) => s.prnNumber))).toEqual(e.satellites.map((s) => s.prn));
      expect(gsv[0]!.satellitesInView).toBe(e.satellites.length);
      const f = e.fix;
      if (!f) {
        expect([rmc.status, gga.fixType, gll.status, gsa.fixMode]).toEqual(["warning", "none", "invalid", "none"]);
        return;
      }
      expect(rmc.status).toBe("valid");
      expect(rmc.datetime.getTime() / 1000).toBe(e.time);
      for (const p of [rmc, gga, gll]) {
        expect(Math.abs(p.latitude - f.lat)).toBeLessThan(1e-9);
        expect(Math.abs(p.longitude - f.lon)).toBeLessThan(1e-9);
        // and the truth, a few metres away, to 1e-4 degrees
        expect(Math.abs(p.latitude - e.truth.lat)).toBeLessThan(1e-4);
      }
      expect(rmc.speedKnots * KNOT).toBeCloseTo(f.speed, 9);
      expect(vtg.speedKmph).toBeCloseTo(f.speed * 3.6, 3);
      expect(f.course === undefined ? 0 : f.course).toBeCloseTo(rmc.trackTrue, 9);
      expect([gga.fixType, gga.satellitesInView, gga.horizontalDilution, gga.altitudeMeters, gga.geoidalSeperation]).toEqual(["fix", f.sats, f.hdop, f.alt, 54]);
      expect([gsa.fixMode, gsa.satellites.length, gsa.PDOP, gsa.HDOP, gsa.VDOP]).toEqual(["3D", f.sats, f.pdop, f.hdop, f.vdop]);
    });
  });

  it("parses with the firmware's pipeline into exactly the reported fixes: none in the cold start or the dropout", () => {
    const fixes = fixesFromNmea(text);
    expect(fixes).toHaveLength(fixed.length);
    expect(fixed.length).toBe(3601 - 27 - 60);
    fixes.forEach((fix, i) => {
      const e = fixed[i]!;
      expect(fix.time).toBeCloseTo(e.time, 6);
      expect(Math.abs(fix.lat - e.fix!.lat)).toBeLessThan(1e-9);
      expect(Math.abs(fix.lon - e.fix!.lon)).toBeLessThan(1e-9);
      expect(fix).toMatchObject({ alt: e.fix!.alt, course: e.fix!.course, hdop: e.fix!.hdop, sats: e.fix!.sats, quality: 1 });
      expect(fix.speed).toBeCloseTo(e.fix!.speed, 9);
    });
    expect(fixes[0]!.time).toBe(epochs[27]!.time);
  });

  it("gives the firmware the same fixes fed whole, byte by byte, or in random splits", () => {
    const part = nmeaText(sentences.slice(20, 140).flat());
    const whole = fixesFromNmea(part);
    expect(whole.length).toBeGreaterThan(100);
    expect(fixesFromNmea(part, undefined, 1)).toEqual(whole);
    const prng = new Prng(1);
    const got: unknown[] = [];
    const p = new FixReader((f) => got.push(f));
    for (let i = 0; i < part.length; ) {
      const n = prng.int(1, 200);
      p.framer.feed(part.substring(i, i + n));
      i += n;
    }
    p.framer.feed("\n");
    p.assembler.finish();
    expect(got).toEqual(whole);
    expect(p.decoder.badChecksum).toBe(0);
    expect(p.framer.garbage).toBe(0);
  });

  it("keeps every epoch apart at 5 Hz (hundredths of a second in the time)", () => {
    const fast = [...gpsEpochs(lakeLoop({ seed: 1 }), { rate: 5, duration: 60, coldStart: 0 })];
    const fixes = fixesFromNmea(nmeaText(fast.flatMap(neo6mSentences)));
    expect(fixes.map((f) => f.time)).toEqual(fast.map((e) => expect.closeTo(e.time, 6)));
    expect(neo6mSentences(fast[1]!)[0]).toMatch(/^\$GPRMC,\d{6}\.20,A,/);
  });
});
