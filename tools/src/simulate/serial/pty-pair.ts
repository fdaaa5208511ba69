import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Two pseudo-terminals joined back to back: what one end is written, the other end reads. */
export interface PtyPair {
  /** the two device paths, e.g. /dev/pts/3 and /dev/pts/4 */
  paths: [string, string];
  /** the relay's process id (socat, or python3 where there is no socat) */
  pid: number;
  /** Ends the relay (both devices go away); safe to call twice. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** the socat to run (default: socat on the PATH) */
  socat?: string;
  /** the Python to run where socat is missing (default: python3 on the PATH) */
  python?: string;
  timeoutMs?: number;
  /** name the ends a and b in a new directory (/tmp/kayaktrack-pty-…/a) */
  links?: boolean;
}

/**
 * socat's work for machines without it, in Python's standard library: two
 * pseudo-terminals set raw (no echo, no CR/LF translation), their masters
 * copied to each other. It prints what `socat -d -d` prints, which
 * startRelay waits for. Arguments: optional link paths for the two ends.
 */
const PYTHON_RELAY = `
import os, select, signal, sys, tty
# First of all: a SIGTERM the parent sends as soon as it reads the notices below must end the relay.
# (A parent that ignores SIGTERM passes that on through exec, and the signal would be lost.)
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
ends = [os.openpty(), os.openpty()]
for master, slave in ends:
    tty.setraw(slave)
names = [os.ttyname(slave) for master, slave in ends]
for link, name in zip(sys.argv[1:], names):
    os.symlink(name, link)
for name in names:
    sys.stderr.write("PTY is %s\\n" % name)
sys.stderr.write("starting data transfer loop\\n")
sys.stderr.flush()
a, b = ends[0][0], ends[1][0]
while True:
    for fd in select.select([a, b], [], [])[0]:
        data = os.read(fd, 4096)
        while data:
            data = data[os.write(b if fd == a else a, data):]
`;

/**
 * A pair of joined pseudo-terminals: `socat -d -d pty,raw,echo=0 pty,raw,echo=0`,
 * or where socat is not installed the same done by python3. Resolves once both
 * devices exist and data passes (the "N PTY is …" and "starting data transfer
 * loop" notices on stderr). Raw and without echo, so bytes go through unchanged.
 */
export async function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  // With links, the paths are a and b in a new directory: easier to read and type than /dev/pts/N, and gone with the pair.
  const dir = options.links ? mkdtempSync(join(tmpdir(), "kayaktrack-pty-")) : undefined;
  const removeLinks = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  const links = dir ? [join(dir, "a"), join(dir, "b")] : [];
  const socatEnd = (link: string | undefined) => (link ? `pty,raw,echo=0,link=${link}` : "pty,raw,echo=0");
  try {
    try {
      return await startRelay(options.socat ?? "socat", ["-d", "-d", socatEnd(links[0]), socatEnd(links[1])], links, removeLinks, options.timeoutMs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    return await startRelay(options.python ?? "python3", ["-c", PYTHON_RELAY, ...links], links, removeLinks, options.timeoutMs);
  } catch (e) {
    removeLinks();
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("neither socat nor python3 was found to make pseudo-terminals: install socat (apt-get install socat)", { cause: e });
    }
    throw e;
  }
}

/** Starts a relay that prints socat's notices, and resolves with its two devices; a missing program rejects with code ENOENT. */
function startRelay(command: string, args: string[], links: string[], removeLinks: () => void, timeoutMs = 5000): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
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
    const timer = setTimeout(() => fail(new Error(`${command} made no pseudo-terminals in ${timeoutMs} ms: ${stderr.trim()}`)), timeoutMs);
    child.once("error", (e: NodeJS.ErrnoException) =>
      fail(e.code === "ENOENT" ? Object.assign(new Error(`${command} not found`, { cause: e }), { code: "ENOENT" }) : new Error(`cannot start ${command}: ${e.message}`, { cause: e })),
    );
    child.once("exit", (code, signal) => fail(new Error(`${command} exited (${signal ?? code}) before its pseudo-terminals were ready: ${stderr.trim()}`)));
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
        paths: links.length === 2 ? [links[0]!, links[1]!] : [paths[0]!, paths[1]!],
        pid: child.pid!,
        close() {
          closing ??= (() => {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            // A relay that outlives SIGTERM for 2 s (seen once, under load, with python3) is killed outright.
            const kill = setTimeout(() => child.kill("SIGKILL"), 2000);
            return exited.then(() => {
              clearTimeout(kill);
              removeLinks();
            });
          })();
          return closing;
        },
      });
    });
  });
}
