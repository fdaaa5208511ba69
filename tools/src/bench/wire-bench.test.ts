import { describe, expect, it } from "vitest";
import { runCli } from "../server-process.ts";

describe("kayaktrack bench wire", () => {
  it("measures the simulated lake hour and the GPX fixtures, one JSON line a track", async () => {
    const { code, stdout, stderr } = await runCli(["bench", "wire", "--json", "--no-write"]);
    expect(code, stderr).toBe(0);
    const rows = stdout.trim().split("\n").map((l) => JSON.parse(l));
    const lake = rows.find((r) => r.track.startsWith("lake-loop"));
    // An hour at 1 Hz from second 0 to 3600, every epoch a fix (no cold start).
    expect(lake.fixes).toBe(3601);
    // The wire format's targets: at most 6 bytes a fix, and on air at least 25 times smaller than OsmAnd.
    expect(lake.payloadBytesPerFix).toBeLessThanOrEqual(6);
    expect(lake.osmandBytesPerFix / lake.onAirBytesPerFix).toBeGreaterThanOrEqual(25);
    expect(rows.length).toBeGreaterThan(1);
    // A GPX partly timed is measured on its timed points (52 of Mavi's 64).
    expect(rows.find((r) => r.track === "mavi-partly-timed.gpx").fixes).toBe(52);
  });
});
