import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { StoreUnavailableError } from "./store/store.ts";

/**
 * The one error class of the service. Anything thrown while handling a request
 * becomes a JSON `{error, detail}` reply with this status (see `errorHandler`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly error: string,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ? `${error}: ${detail}` : error);
    this.name = "HttpError";
  }
}

export interface ErrorReport {
  (status: number, error: string, err: unknown): void;
}

/** A Hono middleware's own error (bodyLimit, bearerAuth, a validator) as an HttpError of its status. */
function fromHono(err: HTTPException): HttpError {
  const status = err.status as ContentfulStatusCode;
  return new HttpError(status, (STATUS_CODES[status] ?? "error").toLowerCase(), err.message || undefined);
}

/**
 * The one error handler: HttpError → its status, as Hono's HTTPException → its, a database that
 * cannot answer → 503 with Retry-After; anything else → 500 (a bug, and logged).
 */
export function errorHandler(report: ErrorReport) {
  return (err: unknown, c: Context) => {
    const e =
      err instanceof HttpError
        ? err
        : err instanceof HTTPException
          ? fromHono(err)
          : err instanceof StoreUnavailableError
            ? new HttpError(503, "storage unavailable", "the database is unavailable; retry later", { "Retry-After": "5" })
            : new HttpError(500, "internal error", "the server failed to handle this request");
    report(e.status, e.error, err);
    for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
    // A body left unread would be read to its end (Node drains it to reuse the connection), however
    // long and slow: the connection is closed instead (issue 22: /owntracks drained any body after its 401).
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming && !incoming.complete) c.header("Connection", "close");
    const body: { error: string; detail?: string } = { error: e.error };
    if (e.detail) body.detail = e.detail;
    return c.json(body, e.status);
  };
}
