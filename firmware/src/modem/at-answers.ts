import type { AtResponse } from "./at-channel.ts";

/**
 * The SIM900's answers, found by content: the line with the command's prefix,
 * wherever it is among the response's lines, with or without a space after the
 * colon (real modules print both: testdata/). Unsolicited lines around it,
 * even ones with the same prefix in another form, are passed over.
 */

/** The last line of a response that starts with `prefix` ("+CSQ:"), or "". */
export function answerLine(r: AtResponse, prefix: string): string {
  for (let i = r.lines.length - 1; i >= 0; i--) if (r.lines[i]!.indexOf(prefix) === 0) return r.lines[i]!;
  return "";
}

/** The numbers after a line's prefix: "+SAPBR: 1,3,\"0.0.0.0\"" → [1, 3, NaN]. */
const numbers = (line: string) => line.substring(line.indexOf(":") + 1).split(",").map((v) => parseInt(v, 10));

/** AT+CPIN?: READY, SIM PIN, SIM PUK, PH-SIM PIN, NOT INSERTED, NOT READY; "" without an answer (AT Commands Set, AT+CPIN). */
export const simState = (r: AtResponse) => answerLine(r, "+CPIN:").replace(/^\+CPIN: */, "");

/** AT+CSQ: the signal, 0–31, 99 unknown or without an answer. */
export function signal(r: AtResponse): number {
  const v = numbers(answerLine(r, "+CSQ:"))[0]!;
  return v >= 0 ? v : 99;
}

/**
 * AT+CREG? (or AT+CGREG? with "+CGREG:"): the registration status of the answer
 * "+CREG: <n>,<stat>", 1 home, 5 roaming, 2 searching, 3 denied; −1 without one. An
 * unsolicited "+CREG: <stat>" (one number) may come along and is not the answer.
 */
export function registration(r: AtResponse, prefix = "+CREG:"): number {
  for (let i = r.lines.length - 1; i >= 0; i--) {
    const v = r.lines[i]!.indexOf(prefix) === 0 ? numbers(r.lines[i]!) : [];
    if (v.length > 1 && v[1]! >= 0) return v[1]!;
  }
  return -1;
}

/** AT+CGATT?: 1 attached, 0 detached, −1 without an answer. */
export function attachState(r: AtResponse): number {
  const v = numbers(answerLine(r, "+CGATT:"))[0]!;
  return v >= 0 ? v : -1;
}

/** AT+SAPBR=2,<cid>: the bearer's status, 0 connecting, 1 connected, 2 closing, 3 closed; −1 without an answer. */
export function bearerStatus(r: AtResponse): number {
  const v = numbers(answerLine(r, "+SAPBR:"))[1];
  return v !== undefined && v >= 0 ? v : -1;
}

/** "+HTTPACTION: <method>,<status>,<length>" (also without the space) → [method, status, length], or undefined. */
export function httpAction(line: string): number[] | undefined {
  const v = line.indexOf("+HTTPACTION:") === 0 ? numbers(line) : [];
  return v.length === 3 && v[0]! >= 0 && v[1]! >= 0 && v[2]! >= 0 ? v : undefined;
}
