import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { sortFixes } from "../fix.ts";
import { packFixes } from "../packed-fixes.ts";
import { ImportError } from "./import-error.ts";
import type { FromImport, ToImport } from "./import-thread.ts";
import { ImportParser } from "./parse-import.ts";

// The worker side of import-thread.ts: a file at a time, parsed as its pieces arrive.
const port = parentPort!;

// Parsing takes only the CPU the trackers leave: this thread at the lowest priority (nice 19). Linux
// gives each thread its own nice value, set through the thread's id (/proc/thread-self is PID/task/TID).
try {
  setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), 19);
} catch {
  // not Linux: the thread keeps the process's priority
}
let parser: ImportParser | undefined;

port.on("message", (msg: ToImport) => {
  if ("start" in msg) {
    parser = new ImportParser(msg.start.name, msg.start.options);
    return;
  }
  if (!parser) return; // the file failed already: its last pieces are dropped
  try {
    if ("piece" in msg) return parser.write(msg.piece);
    const parsed = parser.finish();
    const { fixes, rejected, reasons } = sortFixes(parsed.fixes, msg.nowMs);
    const packed = packFixes(fixes);
    const done = { format: parsed.format, read: parsed.fixes.length, fixes: packed, rejected, reasons, skipped: parsed.skipped };
    parser = undefined;
    port.postMessage({ done } satisfies FromImport, [packed.buffer as ArrayBuffer]);
  } catch (e) {
    parser = undefined;
    port.postMessage({ failed: (e as Error).message, importError: e instanceof ImportError } satisfies FromImport);
  }
});
