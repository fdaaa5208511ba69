import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processUsage, statCpuSeconds } from "./process-usage.ts";

/** statfs's f_type of file systems in memory: writes there never reach storage, so write_bytes stays 0. */
const IN_MEMORY = [0x01021994 /* tmpfs */, 0x858458f6 /* ramfs */];

describe("statCpuSeconds", () => {
  it("reads utime and stime after the name, whatever parentheses the name holds", () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const line = "42 (a) b (c) R 1 42 42 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 123 456 789";
    expect(statCpuSeconds(line)).toBe(3.25);
  });
});

describe.runIf(process.platform === "linux")("processUsage", () => {
  it("counts a child's CPU time, its main thread's share, and what it wrote to storage", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-usage-"));
    try {
      // The child spins its main thread until it has had 0.6 s of CPU (however busy the machine),
      // writes 4 MB with fsync, then waits to be read.
      const script = `
        const fs = require("node:fs");
        while (process.cpuUsage().user < 600000);
        const fd = fs.openSync(${JSON.stringify(join(dir, "f"))}, "w");
        fs.writeSync(fd, Buffer.alloc(4 << 20, 1)); fs.fsyncSync(fd); fs.closeSync(fd);
        process.stdout.write("done\\n"); setTimeout(() => {}, 10000);`;
      const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      try {
        const before = processUsage(child.pid!)!;
        expect(before).toBeDefined();
        await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
        const after = processUsage(child.pid!)!;
        const mainThread = after.mainThreadCpuSeconds - before.mainThreadCpuSeconds;
        expect(mainThread).toBeGreaterThanOrEqual(0.4);
        expect(after.cpuSeconds - before.cpuSeconds).toBeGreaterThanOrEqual(mainThread);
        if (!IN_MEMORY.includes(statfsSync(dir).type)) expect(after.writeBytes - before.writeBytes).toBeGreaterThanOrEqual(4 << 20);
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
