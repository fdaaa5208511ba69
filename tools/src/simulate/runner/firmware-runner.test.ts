import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FirmwareRunner } from "./firmware-runner.ts";

describe("FirmwareRunner", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reports a config the firmware refuses at once, not after the 60 s start timeout", async () => {
    dir = mkdtempSync(join(tmpdir(), "kt-runner-"));
    // An interpreter that does what the bundle does with a bad config: says why and stays up.
    const fake = join(dir, "espruino");
    writeFileSync(fake, '#!/bin/sh\necho "kayaktrack config: uploadEveryS: must be a whole number from 60 to 86400"\nexec sleep 30\n');
    chmodSync(fake, 0o755);
    const runner = new FirmwareRunner({ gps: "/dev/null", card: join(dir, "card"), config: { uploadEveryS: 20 }, speedup: 1, espruino: fake });
    const started = Date.now();
    await expect(runner.start()).rejects.toThrow("the firmware refused to start: kayaktrack config: uploadEveryS: must be a whole number from 60 to 86400");
    expect(Date.now() - started).toBeLessThan(20_000);
    await runner.stop();
  }, 60_000);
});
