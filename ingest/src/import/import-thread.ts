import type { Worker } from "node:worker_threads";
import type { RejectReason } from "../fix.ts";
import { tsWorker } from "../ts-worker.ts";
import { ImportError } from "./import-error.ts";
import type { ImportFormat, ImportOptions } from "./parse-import.ts";

/** Heap a parsing thread may use: past it the file is refused, and nothing else runs short. */
export const IMPORT_HEAP_MB = 512;

export type ToImport = { start: { name: string; options: ImportOptions } } | { piece: Uint8Array } | { end: true; nowMs: number };
export type FromImport =
  | { done: { format: ImportFormat; read: number; fixes: Float64Array; rejected: number; reasons: Partial<Record<RejectReason, number>>; skipped: Record<string, number> } }
  | { failed: string; importError: boolean };

/** A file parsed and checked: its sane fixes, and what was dropped. */
export interface ParsedUpload {
  format: ImportFormat;
  /** fixes read from the file */
  read: number;
  /** the sane fixes, packed (packed-fixes.ts): made into objects a part at a time as they are stored */
  fixes: Float64Array;
  rejected: number;
  reasons: Partial<Record<RejectReason, number>>;
  skipped: Record<string, number>;
}

/** Bytes handed to a parsing thread at a time, and the longest a part of a block waits for the rest. */
const BLOCK_BYTES = 1 << 20;
const BLOCK_WAIT_MS = 20;

/** A parsing thread waits this long for another file before it ends. */
const IDLE_MS = 30_000;

/**
 * Threads that parse files to import (import-thread.worker.ts), handed each
 * file's bytes piece by piece as they arrive, which check the fixes there too
 * (issue 22: a 60 MB GPX parsed on the HTTP thread stalled every request for
 * 4.2 s, and took the process from 215 to 880 MB). A thread's heap is capped
 * at IMPORT_HEAP_MB. A thread stays a while for the next file (starting one
 * takes about 0.2 s of CPU, which a stream of bad files would spend again and
 * again); one that crashed or ran out of memory is ended. How many run at once
 * is the caller's to bound (ImportSlots).
 */
export class ImportThreads {
  private readonly idle: Array<{ worker: Worker; timer: NodeJS.Timeout }> = [];

  constructor(private readonly heapMb = IMPORT_HEAP_MB) {}

  /** Parses one file; throws ImportError when it cannot be imported, as soon as that is known. */
  async parse(name: string, options: ImportOptions, pieces: AsyncIterable<Uint8Array>): Promise<ParsedUpload> {
    const kept = this.idle.pop();
    if (kept) clearTimeout(kept.timer);
    const worker = kept?.worker ?? tsWorker(new URL("./import-thread.worker.ts", import.meta.url), {}, { maxOldGenerationSizeMb: this.heapMb });
    worker.ref();
    let settled = false;
    let healthy = false;
    const answer = new Promise<ParsedUpload>((resolve, reject) => {
      const onMessage = (msg: FromImport) => {
        settled = true;
        off();
        // A file it could not read leaves the thread as it was: it drops the file's last pieces and waits for the next.
        healthy = true;
        if ("failed" in msg) reject(msg.importError ? new ImportError(msg.failed) : new Error(msg.failed));
        else resolve(msg.done);
      };
      const onError = (e: Error & { code?: string }) => {
        settled = true;
        off();
        reject(e.code === "ERR_WORKER_OUT_OF_MEMORY" ? new ImportError(`'${name}' holds more than one import may (${this.heapMb} MB to parse it): split the file`) : e);
      };
      const onExit = () => onError(new Error("the import thread stopped"));
      const off = () => worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    });
    answer.catch(() => {}); // awaited below; a failure while pieces still arrive ends the loop first
    try {
      worker.postMessage({ start: { name, options } } satisfies ToImport);
      // Pieces go over in blocks of BLOCK_BYTES, copied in (a socket's chunk may share its memory with
      // others) and handed over whole: a message a chunk cost the HTTP thread a third of a second a file.
      // A block waits at most BLOCK_WAIT_MS for more, so a bad file is still told from its first bytes.
      let block = new Uint8Array(BLOCK_BYTES);
      let used = 0;
      let sentAt = performance.now();
      const send = () => {
        worker.postMessage({ piece: block.subarray(0, used) } satisfies ToImport, [block.buffer]);
        block = new Uint8Array(BLOCK_BYTES);
        used = 0;
        sentAt = performance.now();
      };
      for await (const piece of pieces) {
        if (settled) break; // it failed already: the rest of the file is not read
        for (let at = 0; at < piece.length; ) {
          const n = Math.min(piece.length - at, BLOCK_BYTES - used);
          block.set(piece.subarray(at, at + n), used);
          used += n;
          at += n;
          if (used === BLOCK_BYTES) send();
        }
        if (used > 0 && performance.now() - sentAt >= BLOCK_WAIT_MS) send();
      }
      if (!settled && used > 0) send();
      if (!settled) worker.postMessage({ end: true, nowMs: Date.now() } satisfies ToImport);
      return await answer;
    } finally {
      if (healthy) this.keep(worker);
      else void worker.terminate();
    }
  }

  /** Ends the threads waiting for a file; safe to call twice. */
  close(): void {
    for (const { worker, timer } of this.idle.splice(0)) {
      clearTimeout(timer);
      void worker.terminate();
    }
  }

  private keep(worker: Worker): void {
    worker.unref(); // a thread waiting for a file does not keep the process alive
    const timer = setTimeout(() => {
      const i = this.idle.findIndex((k) => k.worker === worker);
      if (i >= 0) this.idle.splice(i, 1);
      void worker.terminate();
    }, IDLE_MS);
    timer.unref();
    this.idle.push({ worker, timer });
  }
}
