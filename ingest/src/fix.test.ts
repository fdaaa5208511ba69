import { decodeBatch, encodeBatch, type WireFix } from "@kayaktrack/firmware/wire";
import { describe, expect, it } from "vitest";
import { makeFix, toNumber, typedFix } from "./fix.ts";

describe("typedFix", () => {
  it("makes from a decoded compact batch the same fixes as makeFix", () => {
    // Values the wire carries, including absent ones, a course of 360 and hundreds of fixes of a random walk.
    const fixes: WireFix[] = [
      { time: 1764000000.1, lat: 59.91234, lon: 10.70001, alt: null, speed: null, course: null, hdop: null, sats: null },
      { time: 1764000001, lat: -33.5, lon: -70.25, alt: -12, speed: 0, course: 360, hdop: 25.5, sats: 0 },
    ];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 300; k++) {
      const p = fixes[fixes.length - 1]!;
      const some = <T>(v: T) => (rnd() < 0.1 ? null : v);
      fixes.push({
        time: p.time + 0.1 + Math.round(rnd() * 30) / 10,
        lat: p.lat + (rnd() - 0.5) * 1e-3,
        lon: p.lon + (rnd() - 0.5) * 1e-3,
        alt: some(Math.round(rnd() * 100)),
        speed: some(Math.round(rnd() * 40) / 10),
        course: some(Math.round(rnd() * 360)),
        hdop: some(Math.round(rnd() * 50) / 10),
        sats: some(Math.round(rnd() * 20)),
      });
    }
    const batch = decodeBatch(encodeBatch({ device: 3, seq: 1, batteryVolts: 3.88, counters: [] }, fixes));
    for (const f of batch.fixes) {
      expect(typedFix(f, batch.batteryPercent)).toEqual(makeFix(f.time, f.lat, f.lon, { ...f, battery: batch.batteryPercent }));
    }
    expect(typedFix(batch.fixes[1]!, null).course).toBe(0);
  });
});

describe("toNumber", () => {
  it("reads decimals as the apps print them (Kotlin's 1.0E-4 too), and no hex, binary or words (issue 22, item 11)", () => {
    expect(["52.5163", "-13.5", "+4", ".5", "85.0", "1.0E-4", " 7 "].map(toNumber)).toEqual([52.5163, -13.5, 4, 0.5, 85, 0.0001, 7]);
    expect(["0x10", "0b11", "0o7", "Infinity", "1_000", "", " ", "12abc", "NaN"].map(toNumber)).toEqual(Array(9).fill(undefined));
    expect(makeFix(1_700_000_000, "0x10", "10")).toBe("invalid");
    // A megabyte of digits and one stray character is refused at once, not in time squared (it would take minutes).
    expect(toNumber("1".repeat(1_000_000) + "x")).toBeUndefined();
    expect(toNumber("1".repeat(200) + ".5e2")).toBe(Number("1".repeat(200) + ".5e2"));
  });
});
