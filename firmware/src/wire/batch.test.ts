import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixesFromNmea } from "../fix/fix-reader.ts";
import { prng, readLog } from "../testing/corpus.ts";
import { dequantize, quantize, SOS_CANCELLED, SOS_NONE, SOS_ON, type WireFix } from "./batch.ts";
import { BatchFormatError, decodeBatch } from "./batch-decoder.ts";
import { encodeBatch } from "./batch-writer.ts";
import { crc16 } from "./crc16.ts";

const header = { device: 42, seq: 7, batteryVolts: 3.87, counters: [3, 0, 900, 60, 2] };
const decoded = { version: 2, ...header, batteryPercent: null, sos: 0 };

/** A random but plausible track: steps, turns, gaps, absent fields, the antimeridian. */
function randomTrack(seed: number, n: number): WireFix[] {
  const r = prng(seed);
  let t = 1.7e9 + r.int(1e8) + r.int(10) / 10;
  let lat = -80 + r.next() * 160;
  let lon = -180 + r.next() * 360;
  const out: WireFix[] = [];
  for (let i = 0; i < n; i++) {
    t += r.pick([1, 1, 5, 10, 0.5, 3600]);
    lat = Math.max(-90, Math.min(90, lat + (r.next() - 0.5) * 1e-3));
    lon = lon + (r.next() - 0.5) * 1e-3;
    if (lon > 180) lon -= 360;
    if (lon < -180) lon += 360;
    const maybe = (v: number) => (r.next() < 0.1 ? null : v);
    out.push({
      time: t, lat, lon, alt: maybe(-50 + r.int(3000)), speed: maybe(r.next() * 30), course: maybe(r.next() * 360),
      hdop: maybe(r.next() * 20), sats: maybe(r.int(30)),
    });
  }
  return out;
}

/** What the wire keeps of a fix: its quantized value. */
const onWire = (f: WireFix) => dequantize(quantize(f));

describe("the batch wire format", () => {
  it("round-trips: decode(encode(fixes)) is the quantized input, for many random tracks", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const fixes = randomTrack(seed, 1 + (seed % 90));
      const decoded = decodeBatch(encodeBatch(header, fixes));
      expect(decodeBatch(encodeBatch(header, fixes))).toEqual({ ...decoded, fixes: fixes.map(onWire), quantized: new Float64Array(fixes.flatMap(quantize)) });
    }
    expect(decodeBatch(encodeBatch({ ...header, batteryVolts: null, counters: [] }, []))).toEqual({
      ...decoded, batteryVolts: null, batteryPercent: null, counters: [], fixes: [], quantized: new Float64Array(0),
    });
  });

  it("carries the battery voltage in 10 mV steps, of one cell or of a 12 V battery", () => {
    const volts = (v: number | null) => decodeBatch(encodeBatch({ ...header, batteryVolts: v }, [])).batteryVolts;
    expect([4.2, 3.304, 3.306, 8.4, 14.6, 0.01].map(volts)).toEqual([4.2, 3.3, 3.31, 8.4, 14.6, 0.01]);
    // Unknown, and readings that are no voltage: sent as unknown, never as a batch the server refuses.
    expect([null, 0, -1, NaN, 0.004].map(volts)).toEqual([null, null, null, null, null]);
  });

  it("still reads version 1 batches, whose battery byte is a percentage", () => {
    const v1 = (battery: number) => {
      // Version 2 without a battery has a one-byte 0 there, after the version, device 42 and seq 7.
      const b = encodeBatch({ ...header, batteryVolts: null }, randomTrack(5, 3)).slice();
      b[0] = 1;
      b[3] = battery;
      const crc = crc16(b, b.length - 2);
      b[b.length - 2] = crc >> 8;
      b[b.length - 1] = crc & 0xff;
      return b;
    };
    expect(decodeBatch(v1(87))).toMatchObject({ version: 1, batteryVolts: null, batteryPercent: 87, fixes: randomTrack(5, 3).map(onWire) });
    expect(decodeBatch(v1(255))).toMatchObject({ batteryVolts: null, batteryPercent: null });
    expect(() => decodeBatch(v1(101))).toThrow(/not a percentage/);
  });

  it("carries an SOS state as version 3, and is version 2 byte for byte without one", () => {
    const fixes = randomTrack(9, 12);
    const plain = encodeBatch(header, fixes);
    expect(encodeBatch({ ...header, sos: SOS_NONE }, fixes)).toEqual(plain);
    for (const sos of [SOS_ON, SOS_CANCELLED]) {
      const b = encodeBatch({ ...header, sos }, fixes);
      expect(b[0]).toBe(3);
      expect(b.length).toBe(plain.length + 1);
      const d = decodeBatch(b);
      expect(d).toEqual({ ...decodeBatch(plain), version: 3, sos });
    }
    // An SOS before the GPS has a fix: a batch of no fixes.
    expect(decodeBatch(encodeBatch({ ...header, sos: SOS_ON }, []))).toMatchObject({ version: 3, sos: SOS_ON, fixes: [] });
  });

  it("refuses a version 3 batch whose SOS state is not defined, and versions after 3", () => {
    const withByte = (version: number, sosCode: number) => {
      // device 42, seq 7 and battery 387 (two bytes) come before the SOS state, at byte 5.
      const b = encodeBatch({ ...header, sos: SOS_ON }, randomTrack(3, 2)).slice();
      b[0] = version;
      b[5] = sosCode;
      const crc = crc16(b, b.length - 2);
      b[b.length - 2] = crc >> 8;
      b[b.length - 1] = crc & 0xff;
      return b;
    };
    expect(decodeBatch(withByte(3, 1)).sos).toBe(SOS_ON);
    expect(() => decodeBatch(withByte(3, 0))).toThrow(/SOS state 0/);
    expect(() => decodeBatch(withByte(3, 3))).toThrow(/SOS state 3/);
    expect(() => decodeBatch(withByte(4, 1))).toThrow(/version 4; this server reads 1 to 3/);
  });

  it("quantizes no coarser than 1e-5 degree, 0.1 s, 0.1 m/s, 1 degree and 1 m", () => {
    const f: WireFix = { time: 1.7e9 + 0.25, lat: 59.123456, lon: -10.987654, alt: -3.4, speed: 1.94, course: 359.6, hdop: 0.86, sats: 9 };
    expect(onWire(f)).toEqual({ time: 1.7e9 + 0.3, lat: 59.12346, lon: -10.98765, alt: -3, speed: 1.9, course: 0, hdop: 0.9, sats: 9 });
  });

  it("refuses a fix count the bytes cannot hold before allocating for it", () => {
    // A batch without fixes, its count (the last byte before the CRC) made 86,400: a short body with a valid CRC.
    const empty = encodeBatch({ ...header, counters: [] }, []);
    const body = [...empty.subarray(0, empty.length - 3), 0x80, 0xa3, 0x05];
    const crc = crc16(Uint8Array.from(body), body.length);
    const bytes = Uint8Array.from([...body, crc >> 8, crc & 0xff]);
    expect(() => decodeBatch(bytes)).toThrow(new BatchFormatError("86400 fixes declared, 0 bytes left for them"));
  });

  it("refuses every single bit flip of a batch, and truncations, with a BatchFormatError", () => {
    const bytes = encodeBatch(header, randomTrack(99, 30));
    for (let i = 0; i < bytes.length * 8; i++) {
      const bad = bytes.slice();
      bad[i >> 3]! ^= 1 << (i & 7);
      expect(() => decodeBatch(bad), `bit ${i}`).toThrow(BatchFormatError);
    }
    for (let n = 0; n < bytes.length; n++) expect(() => decodeBatch(bytes.subarray(0, n))).toThrow(BatchFormatError);
  });

  it("carries a real receiver's kayak-speed track in at most 6 bytes a fix", () => {
    const fixes = fixesFromNmea(readLog("telit-he910.log")).map((f) => ({
      time: f.time, lat: f.lat, lon: f.lon, alt: f.alt ?? null, speed: f.speed ?? null, course: f.course ?? null, hdop: f.hdop ?? null, sats: f.sats ?? null,
    }));
    expect(fixes.length).toBeGreaterThan(100);
    const bytes = encodeBatch(header, fixes);
    expect(bytes.length / fixes.length).toBeLessThanOrEqual(6);
  });
});

describe("docs/wire-format.md", () => {
  it("shows the encoder's bytes in its worked example, with and without an SOS", () => {
    const fixes = [
      { time: 1779444000, lat: 59.90712, lon: 10.72249, alt: 2, speed: 1.9, course: 92, hdop: 0.9, sats: 8 },
      { time: 1779444010, lat: 59.90711, lon: 10.72283, alt: 2, speed: 2.0, course: 93, hdop: 0.9, sats: 8 },
      { time: 1779444020, lat: 59.9071, lon: 10.72318, alt: 2, speed: 2.0, course: 93, hdop: 0.9, sats: 8 },
    ];
    const hex = Buffer.from(encodeBatch({ device: 3, seq: 300, batteryVolts: 3.87, counters: [2, 0, 1200, 61, 4] }, fixes)).toString("hex");
    const doc = readFileSync(join(import.meta.dirname, "../../../docs/wire-format.md"), "utf8");
    const [plain, sos] = [...doc.matchAll(/```\n([0-9a-f \n]+)```/g)].map((m) => m[1]!.replace(/\s+/g, ""));
    expect(hex).toBe(plain);
    expect(Buffer.from(encodeBatch({ device: 3, seq: 300, batteryVolts: 3.87, counters: [2, 0, 1200, 61, 4], sos: SOS_ON }, fixes)).toString("hex")).toBe(sos);
  });
});
