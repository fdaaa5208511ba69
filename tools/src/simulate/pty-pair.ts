import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Two pseudo-terminals joined back to back: what one end is written, the other end reads. */
export interface PtyPair {
  /** the two device paths, e.g. /dev/pts/3 and /dev/pts/4 */
  paths: [string, string];
  /** socat's process id */
  pid: number;
  /** Ends socat (both devices go away); safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and resolves once it
 * has made both devices and is passing data (its "N PTY is …" and "starting
 * data transfer loop" notices on stderr). Raw and without echo, so bytes go
 * through unchanged: no CR/LF translation, no line editing.
 */
export function openPtyPair(options: { socat?: string; timeoutMs?: number; links?: boolean } = {}): Promise<PtyPair> {
  const command = options.socat ?? "socat";
  // With links, the paths are a and b in a new directory (/tmp/kayaktrack-pty-…/a): easier to
  // read and type than /dev/pts/N, and gone with the pair.
  const dir = options.links ? mkdtempSync(join(tmpdir(), "kayaktrack-pty-")) : undefined;
  const end = (name: string) => (dir ? `pty,raw,echo=0,link=${join(dir, name)}` : "pty,raw,echo=0");
  const removeLinks = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command, ["-d", "-d", end("a"), end("b")], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let settled = false;
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      removeLinks();
      reject(e);
    };
    const timer = setTimeout(() => fail(new Error(`socat made no pseudo-terminals in ${options.timeoutMs ?? 5000} ms: ${stderr.trim()}`)), options.timeoutMs ?? 5000);
    child.once("error", (e: NodeJS.ErrnoException) =>
      fail(new Error(e.code === "ENOENT" ? `${command} not found: install socat (apt-get install socat)` : `cannot start ${command}: ${e.message}`, { cause: e })),
    );
    child.once("exit", (code, signal) => fail(new Error(`socat exited (${signal ?? code}) before its pseudo-terminals were ready: ${stderr.trim()}`)));
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => {
      if (settled) return;
      stderr += d;
      const paths = [...stderr.matchAll(/PTY is (\S+)/g)].map((m) => m[1]!);
      if (paths.length < 2 || !/starting data transfer loop/.test(stderr)) return;
      settled = true;
      clearTimeout(timer);
      let closing: Promise<void> | undefined;
      resolve({
        paths: dir ? [join(dir, "a"), join(dir, "b")] : [paths[0]!, paths[1]!],
        pid: child.pid!,
        close() {
          closing ??= (() => {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            return exited.then(removeLinks);
          })();
          return closing;
        },
      });
    });
  });
}
