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
