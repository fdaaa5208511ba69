import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import type { SSEMessage, SSEStreamingApi } from "hono/streaming";

/**
 * The writing end of one live stream (Server-Sent Events), which can cut its
 * client off. A write waits while the client's socket is full; one that has
 * not gone out within `stallMs` means the client stopped reading, and it is
 * dropped. Dropping closes the connection itself (under Node), so a client
 * that never reads holds no socket, buffer or file descriptor; an
 * EventSource reconnects and resumes with Last-Event-ID.
 */
export class LiveClient {
  constructor(
    private readonly c: Context,
    private readonly stream: SSEStreamingApi,
    private readonly stallMs: number,
  ) {}

  send(message: SSEMessage): Promise<void> {
    return this.within(this.stream.writeSSE(message));
  }

  /** Events already formatted (fix-json.ts: fixEvent). */
  write(text: string): Promise<void> {
    return this.within(this.stream.write(text).then(() => undefined));
  }

  /** A comment line, such as a heartbeat. */
  comment(text: string): Promise<void> {
    return this.within(this.stream.write(`: ${text}\n\n`).then(() => undefined));
  }

  /** Ends the stream at once, whatever is still queued for the client; safe to call twice. */
  drop(): void {
    (this.c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.destroy();
    this.stream.abort(); // a write under way returns, and onAbort listeners run
  }

  private async within(write: Promise<void>): Promise<void> {
    const timer = setTimeout(() => this.drop(), this.stallMs);
    try {
      await write;
    } finally {
      clearTimeout(timer);
    }
  }
}
