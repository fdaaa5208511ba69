import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Two connected pseudo-terminals made by socat: whatever is written to one end is read at the other. */
export interface PtyPair {
  /** the end a program under test opens, as it would a board's /dev/ttyACM0 */
  a: string;
  /** the end the test plays the device on */
  b: string;
  close(): void;
}

/** Starts `socat pty,raw,echo=0 pty,raw,echo=0` (apt-get install socat) and waits for both ends. */
export async function openPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), "kayaktrack-pty-"));
  const a = join(dir, "a");
  const b = join(dir, "b");
  const socat: ChildProcess = spawn("socat", [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: "ignore" });
  let failure: Error | undefined;
  socat.on("error", (e) => (failure = new Error(`socat could not start (apt-get install socat): ${e.message}`)));
  const close = () => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) {
    if (failure || socat.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  if (!(existsSync(a) && existsSync(b))) {
    close();
    throw failure ?? new Error("socat made no pseudo-terminals");
  }
  return { a, b, close };
}
