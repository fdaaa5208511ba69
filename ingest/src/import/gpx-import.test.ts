import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseGpx } from "./gpx-import.ts";
import { ImportError } from "./import-error.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "testdata", name), "utf8");
const t = (iso: string) => Date.parse(iso) / 1000;

describe("parseGpx", () => {
  it("reads every track and segment of a GPX 1.1 file, with Garmin's speed and course extension", () => {
    const { fixes, skipped } = parseGpx(fixture("garmin-tpx.gpx"));
    expect(fixes).toHaveLength(7);
    expect(fixes[0]).toEqual({
      time: t("2024-06-01T07:58:10Z"), lat: 59.9071349, lon: 10.7224913, alt: 2.31, speed: 1.87, course: 92.5,
      hdop: null, sats: null, accuracy: null, battery: null,
    });
    expect(fixes[2]).toMatchObject({ speed: null, course: null, alt: 1.98 });
    expect(fixes[6]).toMatchObject({ time: t("2024-06-01T09:40:10.500Z"), lat: 59.9012207 });
    expect(skipped).toEqual({ "wpt (not a track point)": 1 });
  });

  it("reads GPX 1.0 with speed, course, satellites and HDOP, and points without elevation", () => {
    const { fixes } = parseGpx(fixture("gpx10-speed.gpx"));
    expect(fixes).toHaveLength(3);
    expect(fixes[0]).toMatchObject({ lat: 47.644548, lon: -122.326897, alt: 4.46, course: 201.4, speed: 1.2, sats: 7, hdop: 1.3 });
    expect(fixes[2]).toMatchObject({ alt: null, speed: null });
  });

  it("gives points without times one second each from a start time, and refuses them without one", () => {
    expect(() => parseGpx(fixture("no-times.gpx"))).toThrow(/no <time>; give a start time/);
    const { fixes } = parseGpx(fixture("no-times.gpx"), { start: 1_700_000_000 });
    expect(fixes.map((f) => f !== "invalid" && f.time)).toEqual([1_700_000_000, 1_700_000_001, 1_700_000_002]);
  });

  it("refuses truncated XML, another namespace and empty tracks with a clear ImportError", () => {
    const good = fixture("gpx10-speed.gpx");
    const cases: Array<[string, RegExp]> = [
      [good.slice(0, good.length / 2), /malformed GPX: .*\d+:\d+/],
      [good.replace('xmlns="http://www.topografix.com/GPX/1/0"', 'xmlns="http://example.com/not-gpx"'), /not GPX 1.0 or 1.1: the root element is <gpx> in namespace 'http:\/\/example.com\/not-gpx'/],
      [good.replace(' xmlns="http://www.topografix.com/GPX/1/0"', ""), /namespace 'none'/],
      ['<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk/></gpx>', /no track points/],
      ["not xml at all", /malformed GPX/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseGpx(text)).toThrow(ImportError);
      expect(() => parseGpx(text)).toThrow(message);
    }
  });

  it("takes elevation, time, satellites and HDOP from GPX's own elements, not from an extension's of the same name", () => {
    const text = `<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1" xmlns:x="urn:example:other"><trk><trkseg>
      <trkpt lat="59.9" lon="10.7"><ele>5</ele><time>2024-06-01T08:00:00Z</time>
        <extensions><x:ele>99999</x:ele><x:time>not a time</x:time><x:sat>99</x:sat><x:hdop>-1</x:hdop></extensions></trkpt>
    </trkseg></trk></gpx>`;
    expect(parseGpx(text).fixes).toEqual([
      { time: t("2024-06-01T08:00:00Z"), lat: 59.9, lon: 10.7, alt: 5, speed: null, course: null, hdop: null, sats: null, accuracy: null, battery: null },
    ]);
  });

  it("stores the timed points of a partly timed track and counts the untimed ones (Mavi 2.11's file, from GPSBabel's test data)", () => {
    const { fixes, skipped } = parseGpx(fixture("mavi-partly-timed.gpx"));
    expect(fixes).toHaveLength(52);
    expect(skipped).toEqual({ "trkpt without <time>": 12, "wpt (not a track point)": 12 });
    // Its times have no zone: GPX's are UTC.
    expect(fixes[0]).toMatchObject({ time: t("2002-05-25T17:06:21.250Z"), lat: 30.062183, lon: -91.61035, alt: 1 });
    expect(fixes.every((f) => f !== "invalid")).toBe(true);
    // A start time is only for a track with no times at all: it does not time these.
    expect(parseGpx(fixture("mavi-partly-timed.gpx"), { start: 1_700_000_000 }).fixes).toEqual(fixes);
  });

  it("refuses elements nested deeper than GPX needs before the XML parser slows (its namespaces cost time quadratic in depth)", () => {
    const deep = (n: number) => `<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">${"<a>".repeat(n)}${"</a>".repeat(n)}</gpx>`;
    expect(() => parseGpx(deep(100_000))).toThrow(/not GPX: elements nested more than 64 deep/);
    // Deep enough for any GPX with extensions: the depth limit is not what refuses this one.
    expect(() => parseGpx(deep(60))).toThrow(/no track points/);
    const selfClosing = `<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>${'<trkpt lat="1" lon="2"><time>2024-06-01T08:00:00Z</time><extensions><x/><x/></extensions></trkpt>'.repeat(100)}</trkseg></trk></gpx>`;
    expect(parseGpx(selfClosing).fixes).toHaveLength(100);
  });

  it("marks a point with an unreadable coordinate invalid instead of failing the file", () => {
    const text = fixture("gpx10-speed.gpx").replace('lat="47.644450"', 'lat="north"');
    expect(parseGpx(text).fixes[1]).toBe("invalid");
  });
});
