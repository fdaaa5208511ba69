import { describe, expect, it } from "vitest";
import { runCli } from "../server-process.ts";

// A small run of the real benchmark; the figures of 20,000 fixes mean little, the shape does.
describe("kayaktrack bench trips", () => {
  it("splits a device's fixes into trips, exports the largest and all, and ends with one JSON line", async () => {
    const { code, stdout, stderr } = await runCli(["bench", "trips", "--fixes", "20000", "--json", "--no-write"]);
    expect(code, stderr).toBe(0);
    const r = JSON.parse(stdout.trimEnd().split("\n").at(-1)!);
    expect(r.fixes).toBe(20000);
    expect(r.trips).toBeGreaterThan(0);
    expect(r.largestTripFixes).toBeGreaterThan(0);
    expect(r.largestTripFixes).toBeLessThanOrEqual(20000);
    expect(r.exportFixesPerSec).toBeGreaterThan(0);
    // All the fixes make a larger file than one trip of them.
    expect(r.allExportMB).toBeGreaterThanOrEqual(r.exportMB);
  }, 60_000);
});
