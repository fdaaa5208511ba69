import { tsWorker } from "../../ts-worker.ts";
import { packFixes, unpackFixes } from "../../packed-fixes.ts";
import { BatchConflictError, type FixWriter, type WriteRequest, type WriteResult } from "../store.ts";
import { toWriteResult, type RowResult } from "../write-result.ts";

/** A WriteRequest as it crosses threads: its fixes packed into one transferable array. */
export interface PackedRequest extends Omit<WriteRequest, "fixes"> {
  fixes: Float64Array;
}

/** A failed request as it crosses threads (Error classes do not survive structured cloning). */
export type PackedError = { error: string; conflict?: [deviceId: number, seq: number] };

export type ToWriter = { id: number; requests: PackedRequest[] } | { close: true };
export type FromWriter =
  | { ready: true }
  | { id: number; results: Array<RowResult | PackedError> }
  | { id: number; failed: string };

export function packError(e: Error): PackedError {
  return e instanceof BatchConflictError ? { error: e.message, conflict: [e.deviceId, e.seq] } : { error: e.message };
}

function unpackError(e: PackedError): Error {
  return e.conflict ? new BatchConflictError(e.conflict[0], e.conflict[1]) : new Error(e.error);
}

/**
 * Runs the fix writes of a SQLite database in a worker thread with its own
 * connection. The inserts and the commit's fsync then no longer hold up HTTP
 * parsing in the main thread, so on two cores both halves run at once. The
 * main thread keeps its connection for reads and admin writes (WAL allows both).
 */
export async function startWriterThread(dbPath: string): Promise<FixWriter> {
  const worker = tsWorker(new URL("./writer-thread.worker.ts", import.meta.url), { dbPath });
  const waiting = new Map<number, { requests: WriteRequest[]; resolve: (r: Array<WriteResult | Error>) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | undefined;
  const fail = (e: Error) => {
    dead ??= e;
    for (const w of waiting.values()) w.reject(dead);
    waiting.clear();
  };

  await new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the writer thread exited at start (code ${code})`)));
  });
  worker.on("message", (msg: FromWriter) => {
    if (!("id" in msg)) return;
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if ("failed" in msg) w.reject(new Error(msg.failed));
    else w.resolve(msg.results.map((r, i) => ("error" in r ? unpackError(r) : toWriteResult(w.requests[i]!, r))));
  });
  worker.on("error", (e) => fail(e));
  const exited = new Promise<void>((resolve) =>
    worker.once("exit", (code) => {
      fail(new Error(`the writer thread stopped (code ${code})`));
      resolve();
    }),
  );

  let closing: Promise<void> | undefined;
  return {
    write(requests) {
      if (dead) return Promise.reject(dead);
      if (closing) return Promise.reject(new Error("the writer thread is closed"));
      return new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { requests, resolve, reject });
        const packed = requests.map((r) => ({ ...r, fixes: packFixes(r.fixes) }));
        worker.postMessage({ id, requests: packed } satisfies ToWriter, packed.map((p) => p.fixes.buffer as ArrayBuffer));
      });
    },
    close() {
      // Messages are handled in order, so every write asked for before commits first.
      closing ??= dead ? exited : (worker.postMessage({ close: true } satisfies ToWriter), exited);
      return closing;
    },
  };
}
