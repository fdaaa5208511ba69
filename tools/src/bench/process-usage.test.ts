import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processUsage, usageRates } from "./process-usage.ts";

const linux = process.platform === "linux";
/** statfs's f_type of tmpfs: writes there never reach storage, so write_bytes stays 0. */
const TMPFS_MAGIC = 0x01021994;

describe.runIf(linux)("processUsage", () => {
  it("counts a child's CPU time, its main thread's share, and what it wrote to storage", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-usage-"));
    try {
      // The child spins its main thread for 0.5 s, writes 4 MB with fsync, then waits to be read.
      const script = `
        const fs = require("node:fs");
        const until = Date.now() + 500; while (Date.now() < until);
        const fd = fs.openSync(${JSON.stringify(join(dir, "f"))}, "w");
        fs.writeSync(fd, Buffer.alloc(4 << 20, 1)); fs.fsyncSync(fd); fs.closeSync(fd);
        process.stdout.write("done\\n"); setTimeout(() => {}, 10000);`;
      const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      try {
        const before = processUsage(child.pid!)!;
        expect(before).toBeDefined();
        await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
        const after = processUsage(child.pid!)!;
        const rates = usageRates(before, after, 1);
        expect(rates.mainThreadCores).toBeGreaterThanOrEqual(0.4);
        expect(rates.cores).toBeGreaterThanOrEqual(rates.mainThreadCores);
        if (statfsSync(dir).type !== TMPFS_MAGIC) expect(rates.writeMBPerSec).toBeGreaterThanOrEqual(4);
      } finally {
        child.kill();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is undefined for a process that does not exist", () => {
    expect(processUsage(2 ** 22 + 12345)).toBeUndefined();
  });
});
