import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readGpsRecord, recordGps } from "./gps-record.ts";

/** A serial port whose data the test pushes. */
function fakePort() {
  let receiver: ((chunk: string) => void) | undefined;
  return {
    onData(receive: (chunk: string) => void) {
      receiver = receive;
    },
    push: (chunk: string) => receiver!(chunk),
  };
}

describe("the GPS record", () => {
  it("keeps every chunk, as read, after a line with the boot time, and reads it back", () => {
    const file = join(mkdtempSync(join(tmpdir(), "kt-record-")), "gps.nmea");
    const port = fakePort();
    recordGps(port, file, Date.parse("2026-06-01T23:59:59.500Z"), () => {});
    const seen: string[] = [];
    port.onData((c) => seen.push(c));
    const chunks = ["$GPRMC,235959.50,A,4", "", "916.45,N,12311.12,W,0.5,54.7,010626,,*0B\r\n", "\xff\x00"];
    for (const c of chunks) port.push(c);
    expect(seen).toEqual(chunks);
    expect(readFileSync(file, "latin1")).toBe("# kayaktrack run-firmware: booted at 2026-06-01T23:59:59.500Z\n" + chunks.join(""));
    expect(readGpsRecord(file)).toEqual({ bootedAt: Date.parse("2026-06-01T23:59:59.500Z"), chunks });
  });

  it("reads bytes past the last length (a kill between the two writes) as one last chunk, and refuses another file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "kt-record-")), "gps.nmea");
    writeFileSync(file, "# kayaktrack run-firmware: booted at 2026-06-01T00:00:00.000Z\nabcdef");
    writeFileSync(file + ".chunks", "2\n");
    expect(readGpsRecord(file).chunks).toEqual(["ab", "cdef"]);
    writeFileSync(file, "$GPRMC,...\n");
    expect(() => readGpsRecord(file)).toThrow(/not a record of run-firmware --record-gps/);
  });

  it("stops recording when a write fails, and the firmware still gets every chunk", () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-record-"));
    symlinkSync("/dev/full", join(dir, "gps.nmea")); // every write: ENOSPC
    const port = fakePort();
    const logs: string[] = [];
    recordGps(port, join(dir, "gps.nmea"), 0, (m) => logs.push(m));
    const seen: string[] = [];
    port.onData((c) => seen.push(c));
    port.push("$GP");
    port.push("RMC");
    expect(seen).toEqual(["$GP", "RMC"]);
    expect(logs).toEqual([expect.stringMatching(/recording the GPS in .*gps\.nmea stopped: ENOSPC/)]);
  });
});
