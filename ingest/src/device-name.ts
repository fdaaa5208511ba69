import { HttpError } from "./http-error.ts";

export const MAX_NAME = 100;

/**
 * Characters a name may not hold: control characters, lone surrogates, and
 * U+FFFE and U+FFFF. The name goes into GPX and KML exports: XML 1.0 forbids
 * all but the C1 controls (U+0080–U+009F), and those are never meant in a name.
 */
const NOT_IN_NAMES = /[\p{Cc}\p{Cs}\uFFFE\uFFFF]/u;

/** Checks a device name: 1–100 printable characters. */
export function checkDeviceName(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "" || name.length > MAX_NAME || NOT_IN_NAMES.test(name)) {
    throw new HttpError(400, "bad device name", `a name is 1 to ${MAX_NAME} printable characters`);
  }
  return name.trim();
}
