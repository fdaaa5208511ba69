import { connect } from "node:net";

/** A request as bytes on the wire: anything at all, which fetch and http.request would refuse to send. */
export interface RawRequest {
  /** request line and headers, sent as they are (end them with a blank line yourself) */
  head: string | Buffer;
  /** body pieces, written one after the other with backpressure (a big body is a buffer repeated) */
  body?: Buffer[];
  /** half-close after writing: the server then sees the client go away mid-request */
  endAfterWrite?: boolean;
}

/** What came back: status 0 when no HTTP reply came before the connection ended; -1 on timeout. */
export interface RawReply {
  status: number;
  /** the body, de-chunked when it came chunked */
  body: Buffer;
}

/** Sends one request on a new connection and reads until the server closes it (send `Connection: close`). */
export function rawRequest(port: number, req: RawRequest, timeoutMs = 30_000): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = (timedOut = false) => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(timedOut ? { status: -1, body: Buffer.alloc(0) } : parseReply(Buffer.concat(chunks)));
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on("data", (d) => chunks.push(d));
    socket.on("end", () => finish());
    socket.on("close", () => finish());
    // A reset after the server refused a big body mid-upload: keep what was read.
    socket.on("error", () => finish());
    socket.once("connect", async () => {
      const write = (b: string | Buffer) =>
        new Promise<void>((ok) => {
          if (socket.write(b)) return ok();
          const done = () => {
            socket.off("drain", done).off("close", done);
            ok();
          };
          socket.on("drain", done).on("close", done);
        });
      await write(req.head);
      for (const piece of req.body ?? []) {
        if (closed || socket.destroyed) return;
        await write(piece);
      }
      if (req.endAfterWrite && !closed) socket.end();
    });
  });
}

/** Status and body of a raw HTTP/1.1 reply. */
export function parseReply(raw: Buffer): RawReply {
  let start = 0;
  for (;;) {
    const end = raw.indexOf("\r\n\r\n", start);
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw.subarray(start, start + 16).toString("latin1"));
    if (end < 0 || !m) return { status: 0, body: Buffer.alloc(0) };
    const status = Number(m[1]);
    // 100 Continue comes before the reply itself.
    if (status < 200) {
      start = end + 4;
      continue;
    }
    const head = raw.subarray(start, end).toString("latin1");
    const body = raw.subarray(end + 4);
    return { status, body: /\r\ntransfer-encoding: *chunked/i.test(head) ? dechunk(body) : body };
  }
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let p = 0;
  for (;;) {
    const eol = b.indexOf("\r\n", p);
    if (eol < 0) break;
    const size = parseInt(b.subarray(p, eol).toString("latin1"), 16);
    if (!(size > 0)) break;
    out.push(b.subarray(eol + 2, eol + 2 + size));
    p = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** A request line and headers for `http()`; it adds Host, `Connection: close` and Content-Length. */
export interface Http {
  method?: string;
  target: string;
  headers?: Array<[string, string]>;
  body?: string | Uint8Array;
  /** Content-Length as sent: the body's length unless given; null leaves it out */
  length?: string | null;
  version?: string;
}

/** A well-formed HTTP/1.1 request with `Connection: close`, so the reply ends with the connection. */
export function http(h: Http): RawRequest {
  const body = h.body === undefined ? undefined : Buffer.from(h.body);
  const lines = [`${h.method ?? "GET"} ${h.target} ${h.version ?? "HTTP/1.1"}`, "Host: 127.0.0.1", "Connection: close"];
  for (const [k, v] of h.headers ?? []) lines.push(`${k}: ${v}`);
  const length = h.length === undefined ? (body ? String(body.length) : undefined) : h.length;
  if (length !== undefined && length !== null) lines.push(`Content-Length: ${length}`);
  return { head: Buffer.from(lines.join("\r\n") + "\r\n\r\n"), body: body ? [body] : [] };
}

/** `size` bytes of `fill`, sent chunked in pieces of 1 MB (no Content-Length to refuse it by). */
export function chunked(size: number, fill: string): Buffer[] {
  const piece = Buffer.alloc(1 << 20, fill);
  const pieces: Buffer[] = [];
  for (let left = size; left > 0; left -= piece.length) {
    const part = left >= piece.length ? piece : piece.subarray(0, left);
    pieces.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n"));
  }
  pieces.push(Buffer.from("0\r\n\r\n"));
  return pieces;
}
