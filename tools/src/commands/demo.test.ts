import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI } from "../server-process.ts";

const until = async <T>(what: string, ms: number, get: () => Promise<T | undefined> | T | undefined): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

describe("kayaktrack demo", () => {
  it("runs a simulated trip through firmware and modem to the service, prints the map and a share link, and stops on Ctrl-C", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "kt-demo-"));
    // Its own process group, like a terminal's foreground job: Ctrl-C reaches the demo, socat and the firmware at once.
    const child = spawn(process.execPath, [CLI, "demo", "--port", "0", "--speedup", "60"], { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.on("data", () => {});
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      const map = await until("the map's address", 30_000, () => /the map: +(\S+)/.exec(stderr)?.[1]);
      const share = await until("the share link", 1000, () => /share link: +(\S+)/.exec(stderr)?.[1]);
      const gpsPort = await until("the GPS port", 30_000, () => /can be read at (\S+)/.exec(stderr)?.[1]);
      const admin = readFileSync(join(cwd, "data", "demo", "admin-token"), "utf8").trim();

      expect((await fetch(map)).status).toBe(200);
      expect(await (await fetch(share)).text()).toMatch(/<html/i); // the map's share view, no sign-in
      // Fixes arrive through the emulated modem, read back through the share's own API, without the admin token.
      const token = share.split("/s/")[1]!;
      const shared = await until("fixes through the share", 90_000, async () => {
        const body = (await (await fetch(new URL(`/api/v1/shares/${token}/fixes`, map))).json()) as { fixes: unknown[] };
        return body.fixes.length >= 5 ? body.fixes : undefined;
      });
      expect(shared.length).toBeGreaterThanOrEqual(5);
      const devices = (await (await fetch(new URL("/api/v1/devices", map), { headers: { Authorization: `Bearer ${admin}` } })).json()) as { devices: Array<{ name: string }> };
      expect(devices.devices.map((d) => d.name)).toEqual(["demo kayak"]);

      process.kill(-child.pid!, "SIGINT");
      expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running"), 20_000))]), stderr).toBe(0);
      expect(stderr).toMatch(/kayaktrack demo: stopped/);
      expect(existsSync(gpsPort)).toBe(false); // the pseudo-terminals are gone
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
    }
  }, 180_000);
});
