import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GPSD_CORPUS } from "@kayaktrack/firmware/testing/gpsd-corpus";
import { describe, expect, it } from "vitest";
import { ImportParser, parseImport } from "./parse-import.ts";

const files: Array<[string, Uint8Array]> = [
  ["garmin-tpx.gpx", readFileSync(join(import.meta.dirname, "testdata", "garmin-tpx.gpx"))],
  ["mavi-partly-timed.gpx", readFileSync(join(import.meta.dirname, "testdata", "mavi-partly-timed.gpx"))],
  ["sl869.log", readFileSync(join(GPSD_CORPUS, "sl869.log"))],
  // No name to go by: the format from the first characters, which may come in several pieces.
  ["upload", readFileSync(join(GPSD_CORPUS, "garmin48.log"))],
  // Names in æøå (two bytes each in UTF-8), cut between pieces: set in the test below.
  ["ærø.gpx", new Uint8Array()],
];

function inPieces(name: string, bytes: Uint8Array, cuts: number[]) {
  const parser = new ImportParser(name, { maxBytes: 1e8 });
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    parser.write(bytes.subarray(at, cut));
    at = cut;
  }
  return parser.finish();
}

describe("ImportParser", () => {
  it("reads a file fed whole, byte by byte and in random pieces alike", () => {
    const gpx = `<?xml version="1.0"?><gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1"><trk><name>Ærø – Søby</name><trkseg>${Array.from({ length: 50 }, (_, i) => `<trkpt lat="54.9${i}" lon="10.4"><time>2026-06-0${1 + (i % 9)}T10:00:${String(i).padStart(2, "0")}Z</time><name>ø${i}</name></trkpt>`).join("")}</trkseg></trk></gpx>`;
    files[4] = ["ærø.gpx", new TextEncoder().encode(gpx)];
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const [name, bytes] of files) {
      const whole = parseImport(name, bytes, { maxBytes: 1e8 });
      expect(whole.fixes.length, name).toBeGreaterThan(5);
      const small = bytes.length < 20_000 ? bytes.length : 3000;
      expect(inPieces(name, bytes.subarray(0, small), Array.from({ length: small - 1 }, (_, i) => i + 1)), `${name} byte by byte`).toEqual(parseImport(name, bytes.subarray(0, small), { maxBytes: 1e8 }));
      for (let round = 0; round < 5; round++) {
        const cuts = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * bytes.length)).sort((a, b) => a - b);
        expect(inPieces(name, bytes, cuts), `${name} cut at ${cuts.join(",")}`).toEqual(whole);
      }
    }
  });

  it("refuses a file past its size, not UTF-8, or empty, as soon as that shows", () => {
    const parser = new ImportParser("a.nmea", { maxBytes: 10 });
    parser.write(new Uint8Array(6));
    expect(() => parser.write(new Uint8Array(6))).toThrow(/has over 10 bytes, the import limit/);
    expect(() => new ImportParser("a.nmea", { maxBytes: 10 }).write(new Uint8Array([0x24, 0xff, 0xfe]))).toThrow(/is not UTF-8 text/);
    expect(() => new ImportParser("a.nmea", { maxBytes: 10 }).finish()).toThrow(/is empty/);
    // A character cut at the end of the file is no UTF-8 either.
    const cut = new ImportParser("a.nmea", { maxBytes: 10 });
    cut.write(new Uint8Array([0x24, 0xc3]));
    expect(() => cut.finish()).toThrow(/is not UTF-8 text/);
  });
});
