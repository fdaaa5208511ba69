import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, runCli } from "../server-process.ts";

// A short run of the real benchmark: a server process, every phase, the database check.
// The figures of one-second phases mean nothing; the shape and the check do.
describe("kayaktrack bench ingest", () => {
  it("runs every phase against a real server, finds every acknowledged fix, and ends with one JSON line", async () => {
    const doc = readFileSync(join(REPO, "docs", "BENCHMARKS.md"), "utf8");
    const args = ["bench", "ingest", "--json", "--no-write", "--devices", "10", "--seconds", "1", "--rounds", "1", "--round-seconds", "1", "--single-seconds", "1"];
    const { code, stdout, stderr } = await runCli(args);
    expect(code, stderr).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    const result = JSON.parse(lines.at(-1)!);
    expect(result).toMatchObject({ missingFixes: 0, fixesPerSec: expect.any(Number), p50Ms: expect.any(Number), p99Ms: expect.any(Number) });
    expect(result.acknowledgedFixes).toBeGreaterThan(0);
    expect(result.owntracksReqPerSec).toBeGreaterThan(0);
    expect(result.osmandReqPerSec).toBeGreaterThan(0);
    if (process.platform === "linux") {
      expect(result.serverCores).toBeGreaterThan(0);
      expect(result.serverHttpThreadCores).toBeGreaterThan(0);
      expect(result.serverCores).toBeGreaterThanOrEqual(result.serverHttpThreadCores);
    }
    expect(stdout).toContain("## Ingest (`pnpm bench:ingest`)");
    expect(stdout).toMatch(/Where the \d+ cores went at 100,000 fixes\/s/);
    // --no-write leaves the committed figures alone.
    expect(readFileSync(join(REPO, "docs", "BENCHMARKS.md"), "utf8")).toBe(doc);
  }, 120_000);
});
