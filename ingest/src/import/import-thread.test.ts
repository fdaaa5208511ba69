import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GPSD_CORPUS } from "@kayaktrack/firmware/testing/gpsd-corpus";
import { afterAll, describe, expect, it } from "vitest";
import { unpackFixes } from "../packed-fixes.ts";
import { ImportError } from "./import-error.ts";
import { ImportThreads } from "./import-thread.ts";
import { parseImport } from "./parse-import.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "testdata", name));
const pieces = async function* (bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
};

describe("ImportThreads", () => {
  const threads = new ImportThreads();
  afterAll(() => threads.close());

  it("parses a file in a thread as its pieces arrive, to the fixes parsing it here gives", async () => {
    for (const [name, bytes] of [["garmin-tpx.gpx", fixture("garmin-tpx.gpx")], ["sl869.log", readFileSync(join(GPSD_CORPUS, "sl869.log"))]] as const) {
      const here = parseImport(name, bytes, { maxBytes: 1e8 });
      const there = await threads.parse(name, { maxBytes: 1e8 }, pieces(bytes, 777));
      expect(there.format).toBe(here.format);
      expect(there.read).toBe(here.fixes.length);
      expect(unpackFixes(there.fixes)).toEqual(here.fixes.filter((f) => f !== "invalid"));
      expect(there.skipped).toEqual(here.skipped);
    }
  });

  it("says why a file cannot be imported, and stops reading it there", async () => {
    let read = 0;
    const endless = async function* () {
      yield new TextEncoder().encode("<html>");
      for (;;) {
        read++;
        await new Promise((r) => setTimeout(r, 5));
        yield new TextEncoder().encode(" ".repeat(1000));
      }
    };
    await expect(threads.parse("page.gpx", { maxBytes: 1e8 }, endless())).rejects.toThrow(/not GPX 1.0 or 1.1: the root element is <html>/);
    expect(read).toBeLessThan(100);
    // The next file is parsed as if nothing happened.
    expect((await threads.parse("a.gpx", { maxBytes: 1e8 }, pieces(fixture("garmin-tpx.gpx"), 100))).read).toBe(7);
  });

  it("refuses a file that needs more memory than a thread has, as an ImportError", async () => {
    const small = new ImportThreads(48);
    // 400,000 journal-like NMEA fixes: far more than 48 MB as objects.
    const line = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\n";
    const many = async function* () {
      for (let i = 0; i < 400; i++) yield new TextEncoder().encode(line.repeat(1000));
    };
    const failed = await small.parse("big.nmea", { maxBytes: 1e9 }, many()).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ImportError);
    expect((failed as Error).message).toMatch(/more than one import may \(48 MB/);
    small.close();
  }, 60_000);
});
