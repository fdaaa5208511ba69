import { spawn } from "node:child_process";

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
export function openPtyPair(options: { socat?: string; timeoutMs?: number } = {}): Promise<PtyPair> {
  const command = options.socat ?? "socat";
  return new Promise((resolve, reject) => {
    const child = spawn(command, ["-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let settled = false;
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
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
        paths: [paths[0]!, paths[1]!],
        pid: child.pid!,
        close() {
          closing ??= (() => {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            return exited;
          })();
          return closing;
        },
      });
    });
  });
}
