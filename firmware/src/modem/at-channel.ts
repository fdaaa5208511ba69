import { AtLineFramer } from "./at-line-framer.ts";
import type { Clock, SerialPort } from "../hal/hardware.ts";

/** What a driver needs of the serial port: write all of it, or throw. Incoming data goes to feed(). */
export type SerialIo = Pick<SerialPort, "write">;

export type AtErrorKind = "timeout" | "error" | "cme" | "busy";

/**
 * A failed AT transaction: an Error named "AtError" with its kind and, for
 * +CME/+CMS errors, the code. Not a subclass: lowered to ES5, subclasses of
 * Error lose their prototype, so instanceof would not find them on the board.
 */
export interface AtError extends Error {
  kind: AtErrorKind;
  code: number | undefined;
}

export function atError(kind: AtErrorKind, message: string, code?: number): AtError {
  const e = new Error(message) as AtError;
  e.name = "AtError";
  e.kind = kind;
  e.code = code;
  return e;
}

export const isAtError = (e: unknown): e is AtError => e instanceof Error && e.name === "AtError";

/**
 * The SIM's own errors, in the three forms modules print them: +CME ERROR 10–15
 * (AT+CMEE=1: not inserted, PIN, PUK, failure, busy, wrong), the same in words
 * (AT+CMEE=2: "SIM not inserted"…), or, with AT+CMEE=0, a bare ERROR to AT+CPIN?
 * (that one only its caller can tell).
 */
export function isSimError(e: unknown): boolean {
  if (!isAtError(e) || e.kind !== "cme") return false;
  const c = e.code || 0;
  return (c >= 10 && c <= 15) || e.message.indexOf(": SIM ") > 0;
}

export interface AtResponse {
  /** information lines of the command (its +XXX: lines and plain ones), without the final result */
  lines: string[];
  /** a length-delimited payload (AT+HTTPREAD), or "" */
  payload: string;
}

/**
 * Unsolicited result codes of the SIM900 (AT Commands Set 1.11: 3.2.x
 * summary and the commands that enable them; IP Application Note for
 * +HTTPACTION; real modules' captures in testdata/): they may arrive at any
 * time, even in the middle of another command's response, where they are
 * handed to onUrc and also stay among the response's lines, since answers are
 * found by content (at-answers.ts), never by position.
 */
const URCS = "RDY|Call Ready|SMS Ready|RING|NO CARRIER|BUSY|NO ANSWER|NORMAL POWER DOWN|UNDER-VOLTAGE|OVER-VOLTAGE|+CFUN:|+CPIN:|+CREG:|+CGREG:|+CMTI:|+CMT:|+CDS:|+CBM:|+CLIP:|+CRING:|+CUSD:|+CTZV:|*PSUTTZ:|DST:|+CIEV:|+CMTE:|+CSMINS:|+HTTPACTION:|+PDP: DEACT|+SAPBR ".split("|");

/**
 * Whether a line is one of URCS ("+SAPBR <cid>: DEACT"; the answer to
 * AT+SAPBR=2,1 is "+SAPBR: …"). A list, not one regular expression: Espruino
 * leaks a JsVar on every failed match of an alternation of 12 or more.
 */
function isUrc(text: string): boolean {
  for (let i = 0; i < URCS.length; i++) if (text.indexOf(URCS[i]!) === 0) return true;
  return false;
}

interface Pending {
  command: string;
  /** the response prefix of this command: "+CSQ:" for AT+CSQ */
  prefix: string;
  /** sent after the DOWNLOAD or '>' prompt */
  data: string | undefined;
  lines: string[];
  payload: string;
  timer: unknown;
  resolve: (r: AtResponse) => void;
  reject: (e: Error) => void;
}

/**
 * One AT transaction at a time: send a command, collect its response lines,
 * and finish on the final result code (OK, ERROR, +CME ERROR, +CMS ERROR) or a
 * timeout. Unsolicited lines go to onUrc wherever they arrive.
 */
export class AtChannel {
  private readonly framer: AtLineFramer;
  private pending: Pending | undefined;

  constructor(
    private readonly o: { io: SerialIo; clock: Clock; onUrc: (line: string) => void },
  ) {
    this.framer = new AtLineFramer({
      line: (text) => this.line(text),
      prompt: () => this.prompt(),
      payload: (data) => {
        if (this.pending) this.pending.payload += data;
      },
    });
  }

  /** Serial data from the modem, any chunk size. */
  feed(chunk: string): void {
    this.framer.feed(chunk);
  }

  /** Sends `command` (without "AT"… CR: e.g. "AT+CSQ") and resolves with its response. */
  command(command: string, timeoutMs = 2000, data?: string): Promise<AtResponse> {
    if (this.pending) return Promise.reject(atError("busy", command + " while " + this.pending.command + " is under way"));
    return new Promise((resolve, reject) => {
      const m = /^AT(\+[A-Z]+)/.exec(command);
      const p: Pending = {
        command, prefix: m ? m[1] + ":" : "", data, lines: [], payload: "", timer: undefined, resolve, reject,
      };
      p.timer = this.o.clock.setTimeout(() => this.finish(atError("timeout", command + ": no answer in " + timeoutMs + " ms")), timeoutMs);
      this.pending = p;
      try {
        this.o.io.write(command + "\r");
      } catch (e) {
        this.finish(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  private line(text: string): void {
    const p = this.pending;
    // A line with the command's own prefix is its answer (+HTTPACTION never is: AT+HTTPACTION answers OK, the status comes later).
    const own = p && p.prefix && text.indexOf(p.prefix) === 0 && p.prefix !== "+HTTPACTION:";
    if (!p || (!own && isUrc(text))) this.o.onUrc(text);
    if (!p) return;
    if (text === "OK") this.finish();
    else if (text === "ERROR") this.finish(atError("error", p.command + ": ERROR"));
    else if (text.indexOf("+CME ERROR:") === 0 || text.indexOf("+CMS ERROR:") === 0) {
      const code = parseInt(text.substring(11), 10);
      this.finish(atError("cme", p.command + ": " + text, isNaN(code) ? undefined : code));
    } else if (text === "DOWNLOAD") this.prompt();
    else if (text !== p.command) p.lines.push(text); // the echo, before ATE0, is dropped
  }

  private prompt(): void {
    const p = this.pending;
    if (!p || p.data === undefined) return;
    const data = p.data;
    p.data = undefined;
    try {
      this.o.io.write(data);
    } catch (e) {
      this.finish(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private finish(error?: Error): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.o.clock.clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve({ lines: p.lines, payload: p.payload });
  }
}
