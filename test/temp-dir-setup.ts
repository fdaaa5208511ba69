import { mkdtempSync, rmSync } from "node:fs";
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
  const dir = mkdtempSync(join(tmpdir(), "kayaktrack-test-"));
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
