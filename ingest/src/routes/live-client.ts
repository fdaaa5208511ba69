import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import type { SSEMessage, SSEStreamingApi } from "hono/streaming";
import { HttpError } from "../http-error.ts";

/** Where a live stream resumes: `Last-Event-ID` (or `?since=`), the last event id the client got; undefined when absent, 400 when no event id. */
export function resumeFrom(c: Context): number | undefined {
  const text = c.req.header("last-event-id") ?? c.req.query("since");
  if (text === undefined) return undefined;
  if (!/^\d{1,16}$/.test(text)) throw new HttpError(400, "bad request", "Last-Event-ID must be an event id from this stream");
  return Number(text);
}

export interface LiveClientOptions {
  /** ms one event may stay unread (the client's socket full) before the client is dropped */
  stallMs: number;
  /** ms between heartbeats */
  heartbeatMs: number;
}

/**
 * The writing end of one live stream (Server-Sent Events), shared by the
 * admin's and the share links' streams. A write waits while the client's
 * socket is full; one that has not gone out within `stallMs` means the client
 * stopped reading, and it is dropped. Dropping closes the connection itself
 * (under Node), so a client that never reads holds no socket, buffer or file
 * descriptor; an EventSource reconnects and resumes with Last-Event-ID.
 * Between events the stream sleeps until woken (`wake`) and beats its
 * heartbeat on a fixed schedule: restarted by each event, the heartbeats of a
 * share link would tell a viewer behind its delay when the device uploads.
 */
export class LiveClient {
  /** the stream is over: the client left or was dropped, or the server ended it */
  ended = false;
  private wakeUp: (() => void) | undefined;
  private beatAt: number;

  constructor(
    private readonly c: Context,
    private readonly stream: SSEStreamingApi,
    private readonly o: LiveClientOptions,
  ) {
    this.beatAt = Date.now() + o.heartbeatMs;
    stream.onAbort(() => this.end());
  }

  send(message: SSEMessage): Promise<void> {
    return this.within(this.stream.writeSSE(message));
  }

  /** Events already formatted (fix-json.ts: fixEvent). */
  write(text: string): Promise<void> {
    return this.within(this.stream.write(text).then(() => undefined));
  }

  /** Wakes the stream from `sleep`: something arrived for it. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Ends the stream once its current write is done (the server shuts down, or its share ended). */
  end(): void {
    this.ended = true;
    this.wakeUp?.();
  }

  /** Waits until woken or ended, or the next heartbeat is due, which it then sends. */
  async sleep(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, this.beatAt - Date.now()));
      timer.unref();
      this.wakeUp = () => (clearTimeout(timer), resolve());
    });
    this.wakeUp = undefined;
    if (!this.ended && Date.now() >= this.beatAt) {
      await this.within(this.stream.write(": heartbeat\n\n").then(() => undefined));
      this.beatAt = Math.max(this.beatAt + this.o.heartbeatMs, Date.now());
    }
  }

  /** Ends the stream at once, whatever is still queued for the client; safe to call twice. */
  drop(): void {
    this.end();
    (this.c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.destroy();
    this.stream.abort(); // a write under way returns, and onAbort listeners run
  }

  private async within(write: Promise<void>): Promise<void> {
    const timer = setTimeout(() => this.drop(), this.o.stallMs);
    try {
      await write;
    } finally {
      clearTimeout(timer);
    }
  }
}
