import { BATCH_MEDIA_TYPE, encodeBatch, type WireFix } from "@kayaktrack/firmware/wire";
import { Sim900, type ModemError } from "@kayaktrack/firmware/modem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPtyPair, type PtyPair } from "../serial/pty-pair.ts";
import { scaledClock } from "../scaled-clock.ts";
import { openSerialLink } from "../serial/serial-link.ts";
import { sim900OnSerialPort } from "./sim900-on-serial-port.ts";
import { startTestIngest, type TestIngest } from "../test-ingest.ts";

// The emulated SIM900 on one end of a socat pseudo-terminal pair, the
// firmware's driver on the other, both through serialport; the batch goes to a
// real ingest server. PWRKEY is a pin, not a byte: it is wired in-process.

const T0 = Math.floor(Date.now() / 1000) - 7200;

function wireFixes(n: number): WireFix[] {
  const deg = (x: number) => Math.round(x * 1e5) / 1e5;
  return Array.from({ length: n }, (_, i) => ({ time: T0 + i * 5, lat: deg(37.0862 - i * 3e-5), lon: deg(-8.2455 + i * 7e-5), alt: 0, speed: 2.1, course: 110, hdop: 1.1, sats: 8 }));
}

describe("the firmware's Sim900 driver and the emulated SIM900 over real pseudo-terminals", () => {
  let ingest: TestIngest;
  let pty: PtyPair;
  beforeAll(async () => {
    [ingest, pty] = await Promise.all([startTestIngest(), openPtyPair()]);
  });
  afterAll(async () => {
    await pty?.close();
    await ingest?.remove();
  });

  it("uploads a binary batch of 100 fixes through both serial ports; the database has them all", async () => {
    const clock = scaledClock(20);
    const modem = await sim900OnSerialPort(pty.paths[0], { clock, seed: 3 });
    let driver: Sim900;
    const link = await openSerialLink(pty.paths[1], (chunk) => driver.feed(chunk.toString("latin1")));
    driver = new Sim900({
      io: { write: (data) => link.io.write(Buffer.from(data, "latin1")) },
      clock,
      powerKey: { write: (pressed) => modem.emulator.powerKey(pressed) },
      apn: "internet",
      url: ingest.batchesUrl,
      contentType: BATCH_MEDIA_TYPE,
      token: ingest.device.token,
    });
    try {
      const fixes = wireFixes(100);
      const bytes = encodeBatch({ device: ingest.device.id, seq: 42, batteryVolts: 3.99, counters: [1, 2, 3, 4, 5] }, fixes);
      expect(bytes.some((b) => b >= 0x80)).toBe(true); // binary: serialport and the emulator must not decode it as text
      const reply = await driver.upload(Buffer.from(bytes).toString("latin1")).catch((e: ModemError) => e);
      expect(reply).toEqual({ status: 200, body: "A 42 100 0 0\n" });
      expect(ingest.fixes().map((f) => [f.time, f.lat, f.lon])).toEqual(fixes.map((f) => [f.time, f.lat, f.lon]));
      expect(modem.emulator.state).toBe("off");
      expect(modem.emulator.counters).toMatchObject({ httpPosts: 1, bodyBytesSent: bytes.length, bodyBytesReceived: 13, writeErrors: 0 });
    } finally {
      await modem.close();
      await modem.close();
      await link.close();
    }
  });
});
