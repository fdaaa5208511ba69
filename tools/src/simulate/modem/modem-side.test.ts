import { BATCH_MEDIA_TYPE, encodeBatch, type WireFix } from "@kayaktrack/firmware/wire";
import { Sim900, type ModemError } from "@kayaktrack/firmware/modem";
import { nodeClock } from "@kayaktrack/firmware/node-hardware";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sim900ModemSide } from "./modem-side.ts";
import { openSerialLink } from "../serial/serial-link.ts";
import { startTestIngest, type TestIngest } from "../test-ingest.ts";

// The simulation's modem side as the firmware runner sees it: a serial device,
// and PWRKEY presses handed over by the simulation. The firmware's driver stands
// in for the runner's child process.

const T0 = Math.floor(Date.now() / 1000) - 5400;
const SPEEDUP = 20;

function wireFixes(n: number, t0: number): WireFix[] {
  return Array.from({ length: n }, (_, i) => ({ time: t0 + i * 15, lat: 59.91 + i * 1e-4, lon: 10.75, alt: null, speed: 1.7, course: 0, hdop: 1, sats: 7 }));
}

describe("sim900ModemSide", () => {
  let ingest: TestIngest;
  beforeAll(async () => {
    ingest = await startTestIngest();
  });
  afterAll(async () => {
    await ingest?.remove();
  });

  it("takes uploads on its port, switched by PWRKEY, session after session, and reports usage and bytes on air", async () => {
    const side = await sim900ModemSide({ seed: 9, speedup: SPEEDUP });
    let driver: Sim900;
    const link = await openSerialLink(side.port, (chunk) => driver.feed(chunk.toString("latin1")));
    driver = new Sim900({
      io: { write: (data) => link.io.write(data) },
      clock: nodeClock(SPEEDUP), // the runner's clock: sped up, but no timeout shorter than a pty round trip
      powerKey: { write: (pressed) => side.powerKey(pressed) }, // the runner prints PWRKEY 1/0; the simulation relays it
      apn: "internet",
      url: ingest.batchesUrl,
      contentType: BATCH_MEDIA_TYPE,
      token: ingest.device.token,
    });
    try {
      expect(side.state()).toBe("off");
      for (const seq of [1, 2]) {
        const bytes = encodeBatch({ device: ingest.device.id, seq, batteryVolts: 4.11, counters: [] }, wireFixes(5, T0 + seq * 1000));
        const reply = await driver.upload(Buffer.from(bytes).toString("latin1")).catch((e: ModemError) => e);
        expect(reply).toEqual({ status: 200, body: `A ${seq} 5 0 0\n` });
        expect(side.state()).toBe("off");
      }
      expect(ingest.fixes()).toHaveLength(10);
      const usage = side.usage();
      expect(usage.requests).toBe(2);
      expect(usage.onS).toBeGreaterThan(10);
      expect(usage.transmitS).toBeGreaterThan(0);
      expect(usage.transmitS).toBeLessThan(usage.onS);
      expect(side.bytesOnAir()).toBe(side.emulator.counters.airBytesSent + side.emulator.counters.airBytesReceived);
      expect(side.bytesOnAir()).toBeGreaterThan(1000);
      // A server outage: the connection refused, the module's 601, a network error; nothing stored.
      side.setServerReachable(false);
      const batch3 = Buffer.from(encodeBatch({ device: ingest.device.id, seq: 3, batteryVolts: 4.11, counters: [] }, wireFixes(5, T0 + 3000))).toString("latin1");
      const refused = await driver.upload(batch3).catch((e: ModemError) => e);
      expect(refused).toMatchObject({ kind: "network", message: "HTTP action failed (601)" });
      expect(ingest.fixes()).toHaveLength(10);
      side.setServerReachable(true);
      expect(await driver.upload(batch3)).toEqual({ status: 200, body: "A 3 5 0 0\n" });
      expect(ingest.fixes()).toHaveLength(15);
      expect(side.usage()).toMatchObject({ requests: 4, refused: 1 });
      // The fixes of the batches the server took, each batch once: a batch sent again adds nothing.
      expect(side.uploaded()).toBe(15);
      expect(await driver.upload(batch3)).toEqual({ status: 200, body: "A 3 5 0 0\n" });
      expect(side.uploaded()).toBe(15);
      side.setCoverage(false);
      expect(side.emulator.faults.coverage).toBe(false);
    } finally {
      await link.close();
      await side.close();
      await side.close();
    }
  });
});
