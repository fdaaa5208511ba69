import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { HttpError } from "./http-error.ts";

/** The media type of a request, lower case, without parameters ("" when absent). */
export function mediaType(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

export function requireMediaType(c: Context, ...accepted: string[]): string {
  const type = mediaType(c);
  if (!accepted.includes(type)) {
    throw new HttpError(415, "unsupported media type", `send ${accepted.join(" or ")}, not '${type || "none"}'`);
  }
  return type;
}

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses a JSON text whose root must be an object; anything else is a 400. */
export function parseJsonObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, "malformed JSON", (e as Error).message);
  }
  if (!isObject(value)) throw new HttpError(400, "malformed body", "the JSON body must be an object");
  return value;
}

const tooLarge = (maxBytes: number) =>
  // The rest of the body is not read, so the connection cannot carry another request.
  new HttpError(413, "payload too large", `the body limit is ${maxBytes} bytes`, { Connection: "close" });

/**
 * The request body as text, refusing more than `maxBytes` with 413 (a declared
 * Content-Length over the limit is refused before reading). On Node the body is
 * read straight from the socket's IncomingMessage: building a web Request and
 * its stream for every upload cost more than storing the fixes.
 */
export async function readText(c: Context, maxBytes: number): Promise<string> {
  return (await readBytes(c, maxBytes)).toString("utf8");
}

/** The request body as bytes, with readText's limits. */
export async function readBytes(c: Context, maxBytes: number): Promise<Buffer> {
  const declared = Number(c.req.header("content-length"));
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const body = incoming ? await readIncoming(incoming, maxBytes) : Buffer.from(await c.req.arrayBuffer());
  if (body.length > maxBytes) throw tooLarge(maxBytes);
  return body;
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      incoming.off("data", onData).off("end", onEnd).off("error", onError);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) done(tooLarge(maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onError = (e: Error) => done(new HttpError(400, "body not received", e.message));
    incoming.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

/**
 * The request body piece by piece as it arrives, refusing more than
 * `maxBytes` with 413 (as readBytes), for a body too large to hold at once.
 */
export async function* bodyPieces(c: Context, maxBytes: number): AsyncGenerator<Uint8Array> {
  const declared = Number(c.req.header("content-length"));
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const source: AsyncIterable<Uint8Array> = incoming ?? webPieces(c.req.raw.body);
  let size = 0;
  try {
    for await (const piece of source) {
      size += piece.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      yield piece;
    }
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, "body not received", (e as Error).message);
  }
}

/** A web stream's pieces (a request made with app.request()); none without a body. */
async function* webPieces(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    yield value;
  }
}
