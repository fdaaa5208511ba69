#!/usr/bin/env node
// `node tools/bin/setup-machine.js demo|test`: the programs outside npm that the demo or the tests
// need, installed from Debian's packages when they are missing. It runs before `pnpm install` (the
// install compiles better-sqlite3's addon), so it is plain JavaScript for Node alone: no dependencies.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";

/** What each use needs: a command, the Debian package that has it, and why. */
export const NEEDS = {
  demo: [
    { command: "python3", pkg: "python3", why: "builds better-sqlite3's native addon (node-gyp)" },
    { command: "make", pkg: "make", why: "builds better-sqlite3's native addon" },
    { command: "g++", pkg: "g++", why: "builds better-sqlite3's native addon" },
  ],
  test: [
    { command: "xmllint", pkg: "libxml2-utils", why: "checks exported GPX against the official schema" },
    { command: "gpsbabel", pkg: "gpsbabel", why: "writes GPX of real receivers' logs and reads our exports back" },
    { command: "socat", pkg: "socat", why: "pseudo-terminal pairs that stand in for serial ports" },
    { command: "gpsd", pkg: "gpsd", why: "reads the simulated GPS in a test" },
    { command: "gpspipe", pkg: "gpsd-clients", why: "prints what gpsd read" },
    { command: "chromium", pkg: "chromium", why: "the map's tests in a real browser" },
    { command: "aiosmtpd", pkg: "python3-aiosmtpd", why: "a real SMTP server the alert e-mails are sent to in tests" },
  ],
};

/** @typedef {{ command: string, pkg: string, why: string }} Need */

/**
 * The programs a use needs ("test" needs the demo's too).
 * @param {string} use
 * @returns {Need[]}
 */
export function needed(use) {
  if (!(use in NEEDS)) throw new Error(`setup-machine: unknown use '${use}' (demo or test)`);
  return use === "test" ? [...NEEDS.demo, ...NEEDS.test] : NEEDS.demo;
}

/**
 * What to do, from what the machine has: nothing, commands to run, or a
 * message saying exactly what to install (no apt-get, or neither root nor sudo).
 * @param {string} use
 * @param {{ has: (command: string) => boolean, isRoot: boolean, hasSudo: boolean, hasApt: boolean }} machine
 * @returns {{ missing: Need[], run?: string[][], error?: string }}
 */
export function plan(use, { has, isRoot, hasSudo, hasApt }) {
  const missing = needed(use).filter((n) => !has(n.command));
  if (!missing.length) return { run: [], missing };
  const pkgs = [...new Set(missing.map((n) => n.pkg))];
  const list = missing.map((n) => `  ${n.command} (Debian package ${n.pkg}): ${n.why}`).join("\n");
  if (!hasApt) {
    return { missing, error: `missing programs the ${use} needs:\n${list}\nInstall them with your system's package manager, then run this again.` };
  }
  const install = ["apt-get", "install", "-y", "-qq", ...pkgs];
  if (isRoot) return { missing, run: [["apt-get", "update", "-qq"], install] };
  if (hasSudo) return { missing, run: [["sudo", "-n", "apt-get", "update", "-qq"], ["sudo", "-n", ...install]] };
  return { missing, error: `missing programs the ${use} needs:\n${list}\nInstall them as root:\n  sudo apt-get install ${pkgs.join(" ")}` };
}

/** Where Debian puts daemons (gpsd is /usr/sbin/gpsd), which a user's PATH often leaves out. */
export const SBIN = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/** @param {string} path */
const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Whether a command is installed: on the PATH or in an sbin folder; the browser also where
 * CHROMIUM_BIN names it (tools/src/chromium.ts takes it from there).
 * @param {string} command
 * @param {Record<string, string | undefined>} env
 * @param {string[]} extra
 */
export function installed(command, env = process.env, extra = SBIN) {
  if (command === "chromium" && env.CHROMIUM_BIN && executable(env.CHROMIUM_BIN)) return true;
  return [...(env.PATH ?? "").split(delimiter), ...extra].some((dir) => dir && executable(join(dir, command)));
}

/** @param {string} use */
function main(use) {
  const p = plan(use, {
    has: (c) => installed(c),
    isRoot: process.getuid?.() === 0,
    hasSudo: installed("sudo") && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0,
    hasApt: installed("apt-get"),
  });
  if (p.error) {
    console.error(`setup-machine: ${p.error}`);
    process.exit(1);
  }
  if (!p.run?.length) return;
  console.log(`setup-machine: installing ${p.missing.map((n) => n.command).join(", ")} from Debian's packages`);
  for (const argv of p.run) execFileSync(argv[0] ?? "", argv.slice(1), { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv[2] ?? "test");
