import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeClock, NodeSerial } from "./node-hardware.ts";

// A pseudo-terminal pair from socat (tools/bin/setup-machine.js installs it): what one end writes, the other reads.
let socat: ChildProcess;
let ends: string[] = [];
beforeAll(async () => {
  socat = spawn("socat", ["-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"]);
  ends = await new Promise((resolve, reject) => {
    let err = "";
    socat.on("error", reject);
    socat.stderr!.on("data", (d) => {
      err += d;
      const m = [...err.matchAll(/PTY is (\S+)/g)].map((x) => x[1]!);
      if (m.length === 2) resolve(m);
    });
  });
});
afterAll(() => socat.kill());

describe("NodeSerial", () => {
  it("carries every byte value both ways over a real pseudo-terminal, and closes twice safely", async () => {
    const a = new NodeSerial({ path: ends[0]!, baudRate: 9600 });
    const b = new NodeSerial({ path: ends[1]!, baudRate: 9600 });
    await Promise.all([a.opened(), b.opened()]);
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
    let got = "";
    const done = new Promise<void>((resolve) => b.onData((c) => (got += c).length >= 256 && resolve()));
    a.write(all);
    await done;
    expect(got).toBe(all);
    a.close();
    a.close();
    expect(() => a.write("x")).toThrow(/closed/);
    b.close();
  });

  it("reports a missing device as an error", async () => {
    const p = new NodeSerial({ path: "/dev/does-not-exist", baudRate: 9600, log: () => {} });
    await expect(p.opened()).rejects.toThrow(/does-not-exist|No such file/);
  });
});

describe("nodeClock", () => {
  it("runs faster with a speed-up and takes GPS time as an offset", async () => {
    const c = nodeClock(100);
    const t0 = c.now();
    await new Promise<void>((resolve) => c.setTimeout(resolve, 2000)); // 20 ms of real time
    expect(c.now() - t0).toBeGreaterThanOrEqual(1900);
    c.setTime(Date.UTC(2026, 0, 1));
    expect(Math.abs(c.now() - Date.UTC(2026, 0, 1))).toBeLessThan(500);
  });
});
