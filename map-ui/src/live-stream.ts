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

  constructor(private readonly options: LiveStreamOptions) {
    this.lastId = options.lastId;
    this.connect();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
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
      void this.refusal().then((detail) => {
        if (this.closed) return;
        if (detail !== undefined) {
          this.close();
          this.options.onState("ended", detail);
          return;
        }
        this.timer = setTimeout(() => this.connect(), this.retryMs);
        this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
      });
    };
  }

  /** Why the server will not give the stream (EventSource does not say): the detail of a 401, 404 or 410, else undefined (try again). */
  private async refusal(): Promise<string | undefined> {
    const ctrl = new AbortController();
    try {
      const res = await fetch(this.options.url(this.lastId), { signal: ctrl.signal });
      if (![401, 404, 410].includes(res.status)) return undefined;
      const body = (await res.json().catch(() => ({}))) as { detail?: string };
      return body.detail ?? `the server answered ${res.status}`;
    } catch {
      return undefined; // the server is gone: try again later
    } finally {
      ctrl.abort(); // a stream that opened after all is not this one
    }
  }
}
