import { Worker } from "node:worker_threads";
import type { Fix } from "../../fix.ts";
import { BatchConflictError, type FixWriter, type WriteRequest, type WriteResult } from "../store.ts";
import { toWriteResult, type RowResult } from "./sqlite-store.ts";

/** Numbers per fix when a request crosses to the writer thread (NaN stands for null). */
const FIELDS = ["time", "lat", "lon", "alt", "speed", "course", "hdop", "sats", "accuracy", "battery"] as const;

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

export function packFixes(fixes: Fix[]): Float64Array {
  const out = new Float64Array(fixes.length * FIELDS.length);
  // Plain loops: a closure made per fix costs more than the copy (and tsx names each one).
  let o = 0;
  for (const f of fixes) for (const k of FIELDS) out[o++] = f[k] ?? NaN;
  return out;
}

const orNull = (v: number) => (Number.isNaN(v) ? null : v);

export function unpackFixes(packed: Float64Array): Fix[] {
  const fixes: Fix[] = [];
  for (let o = 0; o < packed.length; o += FIELDS.length) {
    fixes.push({
      time: packed[o]!, lat: packed[o + 1]!, lon: packed[o + 2]!, alt: orNull(packed[o + 3]!), speed: orNull(packed[o + 4]!),
      course: orNull(packed[o + 5]!), hdop: orNull(packed[o + 6]!), sats: orNull(packed[o + 7]!), accuracy: orNull(packed[o + 8]!),
      battery: orNull(packed[o + 9]!),
    });
  }
  return fixes;
}

export function packError(e: Error): PackedError {
  return e instanceof BatchConflictError ? { error: e.message, conflict: [e.deviceId, e.seq] } : { error: e.message };
}

function unpackError(e: PackedError): Error {
  return e.conflict ? new BatchConflictError(e.conflict[0], e.conflict[1]) : new Error(e.error);
}

// The worker runs TypeScript, so it registers tsx before loading its module.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
import(workerData.tsx).then((m) => { m.register(); return import(workerData.module); });
`;

/**
 * Runs the fix writes of a SQLite database in a worker thread with its own
 * connection. The inserts and the commit's fsync then no longer hold up HTTP
 * parsing in the main thread, so on two cores both halves run at once. The
 * main thread keeps its connection for reads and admin writes (WAL allows both).
 */
export async function startWriterThread(dbPath: string): Promise<FixWriter> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dbPath,
      tsx: import.meta.resolve("tsx/esm/api"),
      module: new URL("./writer-thread.worker.ts", import.meta.url).href,
    },
  });
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
