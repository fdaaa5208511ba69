import { BATCH_MEDIA_TYPE } from "../wire/batch.ts";
import type { UploadReply, Uplink } from "./uplink.ts";

/**
 * The laptop's direct uplink (`--uplink http`): the batch POSTed with Node's
 * fetch instead of through a modem. A network failure is an Error, as the
 * modem's would be; any HTTP status is a reply, for the uploader to judge.
 */
export class HttpUplink implements Uplink {
  /** `fetch`: where requests go (default the global fetch; a test can hand in a Hono app's request) */
  constructor(private readonly o: { url: string; token: string; timeoutMs?: number; fetch?: (url: string, init: RequestInit) => Promise<Response> }) {}

  async upload(body: string): Promise<UploadReply> {
    const res = await (this.o.fetch ?? fetch)(this.o.url, {
      method: "POST",
      headers: { "Content-Type": BATCH_MEDIA_TYPE, Authorization: `Bearer ${this.o.token}` },
      body: Buffer.from(body, "latin1"),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
    });
    return { status: res.status, body: await res.text() };
  }
}
