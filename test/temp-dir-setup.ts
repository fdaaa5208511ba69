import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Vitest global setup: every temporary file of the run (databases, SD cards,
 * recorded GPS logs, also those of the processes tests start) goes in one
 * directory, removed when the run ends. Tests make their own with mkdtemp under
 * os.tmpdir(), which reads TMPDIR; workers and child processes inherit it.
 */
export function setup(): () => void {
  const previous = process.env.TMPDIR;
  const outside = tmpdir();
  const dir = mkdtempSync(join(outside, "kayaktrack-test-"));
  // tsx keeps its compile cache in TMPDIR/tsx-UID: a link keeps it across runs, so every process a test starts does not compile the sources again.
  const tsxCache = `tsx-${process.geteuid?.() ?? "user"}`;
  mkdirSync(join(outside, tsxCache), { recursive: true });
  symlinkSync(join(outside, tsxCache), join(dir, tsxCache));
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    // Removes the link, not the cache it points to. Retries: a child still exiting may write a last file.
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  };
}
