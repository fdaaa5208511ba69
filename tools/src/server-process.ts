import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(REPO, "tools", "bin", "kayaktrack.js");
export const ADMIN = "local-admin-token";

/** A database path in a new temporary directory. */
export function tempDb(prefix = "kt-"): string {
  return join(mkdtempSync(join(tmpdir(), prefix)), "kayaktrack.db");
}

/** Removes a database made by tempDb, with its directory (its WAL and shared-memory files too). */
export function removeTempDb(db: string): void {
  rmSync(dirname(db), { recursive: true, force: true });
}

/** Runs `kayaktrack ARGS` to completion. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, cwd: REPO });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** every JSON log line so far */
  logs: Array<Record<string, unknown>>;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Node's options for a server on this machine, as the README advises: one
 * garbage-collector helper thread less than the cores (at most Node's default
 * of 4), since the HTTP thread and the SQLite writer are busy already.
 */
export const serverNodeArgs = () => [`--v8-pool-size=${Math.max(1, Math.min(4, cpus().length - 1))}`];

/** Starts `kayaktrack serve` as a real process (for tests and benchmarks) and waits until it listens; port 0 picks a free one. */
export async function startServerProcess(db: string, env: Record<string, string> = {}, nodeArgs: string[] = [], listenPort = 0): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...serverNodeArgs(), ...nodeArgs, CLI, "serve", "--port", String(listenPort), "--host", "127.0.0.1", "--db", db], {
    env: { ...process.env, KAYAKTRACK_ADMIN_TOKEN: ADMIN, ...env },
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  });
  let stderr = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  // `serve` says where it listens on stderr, whatever the log level.
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    void exited.then(() => reject(new Error(`server exited at start: ${stderr}`)));
    child.stderr!.on("data", (d) => {
      stderr += d;
      const m = /listening on http:\/\/[^:\s]+:(\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    logs,
    stderr: () => stderr,
    exited,
    kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Adds a device through the real command line and returns its credentials. */
export async function addDevice(db: string, name: string): Promise<{ id: number; token: string }> {
  const r = await runCli(["device", "add", name, "--json", "--db", db]);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { id: number; token: string };
}

