import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PG_SKIPPED, TEST_PG } from "@kayaktrack/ingest/pg-test-db";
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
    // Cores are shares of the machine's: above 0 and at most all of them (a unit error would break this).
    const cores = cpus().length;
    expect(result.generatorCores).toBeGreaterThan(0);
    expect(result.generatorCores).toBeLessThanOrEqual(cores);
    if (process.platform === "linux") {
      expect(result.serverHttpThreadCores).toBeGreaterThan(0);
      expect(result.serverCores).toBeGreaterThanOrEqual(result.serverHttpThreadCores);
      expect(result.serverCores).toBeLessThanOrEqual(cores);
      if (existsSync("/proc/self/io")) expect(result.serverDiskWriteMBPerSec).toBeGreaterThanOrEqual(0);
    }
    expect(stdout).toContain("## Ingest (`pnpm bench:ingest`)");
    expect(stdout).toMatch(/Where the \d+ cores went at 100,000 fixes\/s/);
    // --no-write leaves the committed figures alone.
    expect(readFileSync(join(REPO, "docs", "BENCHMARKS.md"), "utf8")).toBe(doc);
  }, 120_000);

  it.skipIf(!TEST_PG)(`measures PostgreSQL beside SQLite with --db, one process and two, and finds every acknowledged fix there too${PG_SKIPPED}`, async () => {
    const args = ["bench", "ingest", "--json", "--no-write", "--devices", "10", "--seconds", "1", "--rounds", "1", "--round-seconds", "1", "--single-seconds", "1", "--db", TEST_PG!];
    const { code, stdout, stderr } = await runCli(args);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout.trimEnd().split("\n").at(-1)!);
    expect(result.postgres.map((p: { processes: number }) => p.processes)).toEqual([1, 2]);
    for (const p of result.postgres) {
      expect(p).toMatchObject({ missingFixes: 0, fullSpeedFixesPerSec: expect.any(Number) });
      expect(p.acknowledgedFixes).toBeGreaterThan(0);
    }
    expect(stdout).toContain("### SQLite and PostgreSQL side by side");
    expect(stdout).toMatch(/PostgreSQL with two processes: target at least 50,000 fixes\/s in compact batches: (met|NOT met)/);
  }, 180_000);
});
