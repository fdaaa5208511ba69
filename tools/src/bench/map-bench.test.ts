import { describe, expect, it } from "vitest";
import { runCli } from "../server-process.ts";

// A small run of the real benchmark in headless Chromium, under the page's real Content-Security-Policy:
// the figures of 3,000 fixes mean little, that it runs to its JSON line does (it broke unnoticed once).
describe("kayaktrack bench map", () => {
  it("draws a trip, moves the map, and shows live batches on the trail, ending with one JSON line", async () => {
    const { code, stdout, stderr } = await runCli(["bench", "map", "--fixes", "3000", "--runs", "2", "--updates", "2", "--json", "--no-write"]);
    expect(code, stderr).toBe(0);
    const r = JSON.parse(stdout.trimEnd().split("\n").at(-1)!);
    expect(r.fixes).toBe(3000);
    expect(r.displayPoints).toBeGreaterThan(0);
    expect(r.drawnMs).toBeGreaterThan(0);
    expect(r.respondsMs).toBeGreaterThanOrEqual(r.drawnMs);
    expect(r.liveMaxMs).toBeGreaterThanOrEqual(r.liveMedianMs);
  }, 120_000);
});
