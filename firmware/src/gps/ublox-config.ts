/**
 * u-blox 6 configuration messages (u-blox 6 Receiver Description, GPS.G6-SW-10018,
 * "UBX Protocol"): a frame is 0xB5 0x62, class, id, the payload length (U2,
 * little-endian), the payload and a two-byte Fletcher checksum over class to
 * payload. Sent as a string of byte-sized characters, as serial ports take it.
 */
export function ubx(cls: number, id: number, payload: number[]): string {
  const body = [cls, id, payload.length & 255, payload.length >> 8].concat(payload);
  let a = 0;
  let b = 0;
  for (let i = 0; i < body.length; i++) {
    a = (a + body[i]!) & 255;
    b = (b + a) & 255;
  }
  const all = [0xb5, 0x62].concat(body, [a, b]);
  let s = "";
  for (let i = 0; i < all.length; i++) s += String.fromCharCode(all[i]!);
  return s;
}

/** NMEA message ids in class 0xF0 (UBX-CFG-MSG): GGA 0, GLL 1, GSA 2, GSV 3, RMC 4, VTG 5. */
const NMEA_ID: Record<string, number> = { GGA: 0, GLL: 1, GSA: 2, GSV: 3, RMC: 4, VTG: 5 };

/** UBX-CFG-MSG (0x06 0x01), the 3-byte form: the rate of one NMEA sentence on the port it arrives on (0 = off). */
export const nmeaRate = (sentence: string, everyEpochs: number) => ubx(0x06, 0x01, [0xf0, NMEA_ID[sentence]!, everyEpochs]);

/** UBX-CFG-RATE (0x06 0x08): measurement period in ms, one navigation solution per measurement, aligned to GPS time. */
export const measurementRate = (periodMs: number) => ubx(0x06, 0x08, [periodMs & 255, periodMs >> 8, 1, 0, 1, 0]);

/** UBX-CFG-RXM (0x06 0x11): lpMode 0 = continuous (max performance), 1 = power save mode (cyclic tracking). */
export const powerSave = (on: boolean) => ubx(0x06, 0x11, [8, on ? 1 : 0]);

/** Little-endian bytes of an unsigned 32-bit number (UBX's U4). */
const u4 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];

/**
 * UBX-CFG-PM2 (0x06 0x3B), version 1 (u-blox 6, 44 bytes): how power save mode
 * runs. Cyclic tracking (flags bits 17–18 = 01) with one fix per second, the
 * only period a NEO-6M without a TCXO can cycle at; search again every 10 s
 * after a failed start; 2 s of full tracking after a fix; ephemeris kept up to
 * date (bit 12). Every other byte as u-center writes a NEO-6M on firmware 7.03
 * (reserved fields included): this is its own configuration, made certain.
 */
export const cyclicTracking = () =>
  ubx(0x06, 0x3b, [1, 6, 0, 0].concat(u4(0x29000), u4(1000), u4(10000), u4(0), [2, 0, 0, 0, 44, 1, 0, 0, 79, 193, 3, 0, 134, 2, 0, 0, 254, 0, 0, 0, 100, 64, 1, 0]));

/**
 * UBX-RXM-PMREQ (0x02 0x41): backup state (flags bit 1) for `ms`, then a hot
 * start by itself, 1 s typical with its ephemeris still valid (NEO-6 Data
 * Sheet, GPS.G6-HW-09005-E, Table 2). Only the RTC and the battery-backed RAM
 * run meanwhile; any byte on its RX wakes it early (u-blox 6 Receiver
 * Description §9.3.3), and is lost.
 */
export const backup = (ms: number) => ubx(0x02, 0x41, u4(ms).concat(u4(2)));

/**
 * What the tracker sends the GPS at boot: only RMC and GGA, the two sentences
 * the fix assembler needs (time, date, position, speed, course; altitude,
 * HDOP, satellites), which cuts the parser's work by about four fifths; one
 * fix per `periodMs`; continuous tracking until a fix (power save comes after).
 */
export function gpsSetup(periodMs: number): string[] {
  // CFG-PM2 takes effect only with power save (CFG-RXM lpMode 1), which the tracker asks for later.
  return [nmeaRate("GSV", 0), nmeaRate("GSA", 0), nmeaRate("GLL", 0), nmeaRate("VTG", 0), nmeaRate("RMC", 1), nmeaRate("GGA", 1), measurementRate(periodMs), cyclicTracking(), powerSave(false)];
}
