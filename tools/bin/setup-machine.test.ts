import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installed, needed, plan } from "./setup-machine.js";

const SCRIPT = join(import.meta.dirname, "setup-machine.js");
const all = () => true;
const none = () => false;

describe("setup-machine: what the README's lines install before pnpm", () => {
  it("does nothing where every program is present", () => {
    expect(plan("test", { has: all, isRoot: false, hasSudo: false, hasApt: true })).toEqual({ run: [], missing: [] });
  });

  it("as root, installs exactly the missing programs' Debian packages; with sudo, through sudo -n", () => {
    const has = (c: string) => !["chromium", "gpspipe", "gpsd"].includes(c);
    expect(plan("test", { has, isRoot: true, hasSudo: false, hasApt: true }).run).toEqual([
      ["apt-get", "update", "-qq"],
      ["apt-get", "install", "-y", "-qq", "gpsd", "gpsd-clients", "chromium"],
    ]);
    expect(plan("test", { has, isRoot: false, hasSudo: true, hasApt: true }).run![1]).toEqual(["sudo", "-n", "apt-get", "install", "-y", "-qq", "gpsd", "gpsd-clients", "chromium"]);
  });

  it("the demo needs only the compiler for better-sqlite3; the tests need the rest too", () => {
    expect(needed("demo").map((n) => n.command)).toEqual(["python3", "make", "g++"]);
    expect(plan("demo", { has: (c) => c !== "g++", isRoot: true, hasSudo: false, hasApt: true }).run![1]).toEqual(["apt-get", "install", "-y", "-qq", "g++"]);
    expect(() => needed("bench")).toThrow(/unknown use 'bench'/);
  });

  it("without root or sudo, or without apt-get, says what to install and why", () => {
    const noRoot = plan("test", { has: (c) => c !== "xmllint", isRoot: false, hasSudo: false, hasApt: true });
    expect(noRoot.error).toContain("xmllint (Debian package libxml2-utils): checks exported GPX");
    expect(noRoot.error).toContain("sudo apt-get install libxml2-utils");
    expect(plan("demo", { has: none, isRoot: true, hasSudo: true, hasApt: false }).error).toMatch(/python3.*\n.*make.*\n.*g\+\+.*\n.*your system's package manager/);
  });

  it("finds a daemon in an sbin folder off the user's PATH (Debian's /usr/sbin/gpsd), and the browser where CHROMIUM_BIN names it", () => {
    const sbin = mkdtempSync(join(tmpdir(), "setup-sbin-"));
    writeFileSync(join(sbin, "gpsd"), "#!/bin/sh\n");
    chmodSync(join(sbin, "gpsd"), 0o755);
    expect(installed("gpsd", { PATH: "/nonexistent" }, [sbin])).toBe(true);
    expect(installed("gpsd", { PATH: "/nonexistent" }, [])).toBe(false);
    expect(installed("chromium", { PATH: "/nonexistent", CHROMIUM_BIN: join(sbin, "gpsd") }, [])).toBe(true);
  });

  it("run as a program: silent where all is present; exit 1 naming what is missing where it cannot install", () => {
    const bin = mkdtempSync(join(tmpdir(), "setup-machine-"));
    for (const n of needed("test")) {
      writeFileSync(join(bin, n.command), "#!/bin/sh\n");
      chmodSync(join(bin, n.command), 0o755);
    }
    // node alone in a folder of its own: the folder it came from may hold the rest (apt-get, g++…).
    const nodeOnly = join(bin, "node-only");
    mkdirSync(nodeOnly);
    symlinkSync(process.execPath, join(nodeOnly, "node"));
    const run = (path: string) => spawnSync(process.execPath, [SCRIPT, "test"], { env: { PATH: path }, encoding: "utf8" });
    const ok = run(`${bin}:${nodeOnly}`);
    expect([ok.status, ok.stdout, ok.stderr]).toEqual([0, "", ""]);
    // Only node on the PATH: no apt-get either, so it cannot install and must say so.
    const bare = run(nodeOnly);
    expect(bare.status).toBe(1);
    expect(bare.stderr).toMatch(/missing programs the test needs:[\s\S]*chromium \(Debian package chromium\)/);
  });
});
