import type { FixWriter, WriteRequest, WriteResult } from "./store/store.ts";

export interface WriteQueueOptions {
  /** commit at once when this many fixes are waiting (once a commit is free) */
  maxFixes?: number;
  /** commits under way at once (default 1): the next group gathers meanwhile */
  maxInFlight?: number;
  /** called after each commit with what it wrote (before the callers are answered) */
  onCommit?: (requests: WriteRequest[], results: Array<WriteResult | Error>, ms: number) => void;
}

/**
 * Group commit. Every request's write waits for the next commit, and one commit
 * holds all requests that arrived during the same turn of the event loop, so
 * the cost of a durable commit (an fsync) is shared by many requests. A caller
 * is answered only after the transaction holding its fixes has committed.
 * While a commit is under way the next group gathers, and goes as soon as it
 * ends: groups grow with the load instead of commits multiplying. (PostgreSQL
 * with a commit per turn of the event loop: up to ten small transactions at
 * once contending for the same devices' rows, and two processes took 32,745
 * fixes/s instead of 83,919; docs/ARCHITECTURE.md.)
 */
export class WriteQueue {
  private pending: Array<{ req: WriteRequest; resolve: (r: WriteResult) => void; reject: (e: Error) => void }> = [];
  private pendingFixes = 0;
  private scheduled = false;
  private closed = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxFixes: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly writer: FixWriter,
    private readonly options: WriteQueueOptions = {},
  ) {
    this.maxFixes = options.maxFixes ?? 20000;
    this.maxInFlight = options.maxInFlight ?? 1;
  }

  submit(req: WriteRequest): Promise<WriteResult> {
    if (this.closed) return Promise.reject(new Error("the write queue is closed"));
    return new Promise((resolve, reject) => {
      this.pending.push({ req, resolve, reject });
      this.pendingFixes += req.fixes.length;
      if (this.pendingFixes >= this.maxFixes) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything waiting now, or as soon as a commit under way ends. */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0 || this.inFlight.size >= this.maxInFlight) return;
    this.pending = [];
    this.pendingFixes = 0;
    const requests = batch.map((p) => p.req);
    const started = performance.now();
    const done = this.writer.write(requests).then(
      (results) => {
        this.options.onCommit?.(requests, results, performance.now() - started);
        batch.forEach((p, i) => {
          const r = results[i]!;
          if (r instanceof Error) p.reject(r);
          else p.resolve(r);
        });
      },
      // The commit itself failed (disk full, I/O error): nothing of this group was stored.
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        for (const p of batch) p.reject(err);
      },
    );
    this.inFlight.add(done);
    void done.finally(() => {
      this.inFlight.delete(done);
      this.flush();
    });
  }

  /** Commits what is waiting, waits for commits under way and refuses further writes; safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    // A commit's end starts the group that gathered behind it: wait until none is left.
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }
}
