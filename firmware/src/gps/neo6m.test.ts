import { describe, expect, it } from "vitest";
import { TestSerial } from "../testing/test-hardware.ts";
import { Neo6m } from "./neo6m.ts";
import { backup, gpsSetup, powerSave } from "./ublox-config.ts";

describe("Neo6m", () => {
  it("sets the receiver up on its port, passes its NMEA on, switches power save and closes the port once", () => {
    const port = new TestSerial();
    const heard: string[] = [];
    const gps = new Neo6m({ port, periodMs: 1000, onData: (chunk) => heard.push(chunk) });
    expect(port.written).toEqual(gpsSetup(1000));
    port.receive("$GPRMC,");
    expect(heard).toEqual(["$GPRMC,"]);
    gps.powerSave(true);
    expect(port.written.at(-1)).toBe(powerSave(true));
    gps.sleep(45_000);
    expect(port.written.at(-1)).toBe(backup(45_000));
    gps.wake();
    expect(port.written.at(-1)).toBe("\xff");
    gps.close();
    gps.close();
    expect(port.closed).toBe(true);
    const written = port.written.length;
    gps.powerSave(false); // nothing to write to: ignored
    gps.sleep(1000);
    gps.wake();
    expect(port.written).toHaveLength(written);
  });
});
