import { parseTime } from "./fix.ts";
import { HttpError } from "./http-error.ts";

/** A time in a query string (`from`, `to`, `start`): ISO 8601 or epoch seconds; absent is undefined, anything else a 400. */
export function queryTime(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === "") return undefined;
  const t = parseTime(v);
  if (t === undefined) throw new HttpError(400, "bad query", `'${name}' must be ISO 8601 or epoch seconds`);
  return t;
}
