import type { Fix } from "./api.ts";

export type LiveState = "connecting" | "live" | "reconnecting" | "ended";

export interface LiveStreamOptions {
  /** the stream's URL, resuming after `lastId` when there is one */
  url: (lastId: string | undefined) => string;
  onFix: (fix: Fix) => void;
  onState: (state: LiveState, detail?: string) => void;
  /** the event id to resume after at the first connection */
  lastId?: string;
}

const MAX_RETRY_MS = 30_000;

/**
 * A Server-Sent Events stream of fixes that keeps itself connected. While the
 * connection drops and comes back the browser resumes it with Last-Event-ID;
 * when the browser gives up (the server answered with an error, or was gone),
 * this opens a new stream after the last event id, waiting longer each time.
 * An `end` event (a share link revoked or expired), or a refusal that will not
 * change (401, 404, 410: say the link expired while the stream was down), ends
 * it for good.
 */
export class LiveStream {
  private source: EventSource | undefined;
  private lastId: string | undefined;
  private retryMs = 1000;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** the request asking why the stream was refused, while it runs */
  private asking: AbortController | undefined;

  constructor(private readonly options: LiveStreamOptions) {
    this.lastId = options.lastId;
    this.connect();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.asking?.abort();
    this.source?.close();
  }

  private connect(): void {
    if (this.closed) return;
    this.options.onState("connecting");
    const source = new EventSource(this.options.url(this.lastId));
    this.source = source;
    source.addEventListener("hello", () => {
      this.retryMs = 1000;
      this.options.onState("live");
    });
    source.addEventListener("fix", (e) => {
      const m = e as MessageEvent<string>;
      if (m.lastEventId) this.lastId = m.lastEventId;
      this.options.onFix(JSON.parse(m.data) as Fix);
    });
    source.addEventListener("end", (e) => {
      const detail = (JSON.parse((e as MessageEvent<string>).data) as { detail?: string }).detail;
      this.close();
      this.options.onState("ended", detail);
    });
    source.onerror = () => {
      if (this.closed) return;
      this.options.onState("reconnecting");
      if (source.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      source.close();
      void this.refusal().then((answer) => {
        if (this.closed) return;
        if (answer.ended !== undefined) {
          this.close();
          this.options.onState("ended", answer.ended);
          return;
        }
        this.timer = setTimeout(() => this.connect(), answer.retryMs ?? this.retryMs);
        this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
      });
    };
  }

  /**
   * Asks the server why it would not give the stream (EventSource does not
   * say): a 401, 404 or 410 ends it (`ended`, the server's detail); a 429 or
   * 503 says when to try again; a stream that opens means try again at once.
   */
  private async refusal(): Promise<{ ended?: string; retryMs?: number }> {
    const ctrl = (this.asking = new AbortController());
    const timeout = setTimeout(() => ctrl.abort(), 10_000); // a proxy that holds the request says nothing either
    try {
      const res = await fetch(this.options.url(this.lastId), { signal: ctrl.signal });
      if (res.ok) return { retryMs: 0 };
      if ([401, 404, 410].includes(res.status)) {
        const body = (await res.json().catch(() => ({}))) as { detail?: string };
        return { ended: body.detail ?? `the server answered ${res.status}` };
      }
      const after = Number(res.headers.get("Retry-After"));
      return after > 0 ? { retryMs: Math.min(MAX_RETRY_MS, after * 1000) } : {};
    } catch {
      return {}; // the server is gone: try again later
    } finally {
      clearTimeout(timeout);
      ctrl.abort(); // a stream that opened here is not the one to read
      this.asking = undefined;
    }
  }
}
