import { AtChannel, isAtError, type Clock, type SerialIo } from "./at-channel.ts";

/** The session's named states, in the order an upload goes through them. */
export type Sim900State =
  | "off"
  | "powering-on"
  | "checking-sim"
  | "registering"
  | "attaching"
  | "opening-bearer"
  | "sending"
  | "closing"
  | "powering-off";

export type ModemErrorKind = "power" | "no-sim" | "no-network" | "no-gprs" | "dns" | "network" | "timeout" | "modem";

/** Why an upload failed, classified for the retry policy: an Error named "ModemError" (see AtError on why not a subclass). */
export interface ModemError extends Error {
  kind: ModemErrorKind;
}

export function modemError(kind: ModemErrorKind, message: string): ModemError {
  const e = new Error(message) as ModemError;
  e.name = "ModemError";
  e.kind = kind;
  return e;
}

export const isModemError = (e: unknown): e is ModemError => e instanceof Error && e.name === "ModemError";

export interface Sim900Options {
  io: SerialIo;
  clock: Clock;
  /** the shield's PWRKEY line (D9 on the common SIM900 shield, through a transistor: true = pressed) */
  powerKey: { write(pressed: boolean): void };
  apn: string;
  user?: string;
  password?: string;
  /** the server URL of POST, e.g. http://host:8080/api/v1/batches */
  url: string;
  contentType: string;
  /** sent as Authorization: Bearer … */
  token: string;
  /** called on each state change (LED, logs, the simulator's progress line) */
  onState?: (state: Sim900State) => void;
  /** seconds to wait for network registration */
  registerTimeoutS?: number;
}

export interface UploadReply {
  /** HTTP status, from +HTTPACTION */
  status: number;
  body: string;
}

/** +HTTPACTION statuses of 600 and up are the module's own (SIM900 IP Application Note). */
const STATUS_6XX: Record<number, [ModemErrorKind, string]> = {
  601: ["network", "network error (601)"],
  602: ["modem", "no memory (602)"],
  603: ["dns", "DNS error (603)"],
  604: ["modem", "stack busy (604)"],
};

/**
 * The SIM900 upload session, a state machine over AtChannel: power on with
 * PWRKEY, ATE0, SIM, signal, registration (home or roaming), GPRS attach,
 * bearer (SAPBR), HTTP POST of one body, HTTPREAD of the reply, HTTPTERM,
 * bearer closed, power down. Unsolicited lines are handled wherever they come.
 */
export class Sim900 {
  state: Sim900State = "off";
  /** signal quality of the last session, 0–31 (99 unknown; AT+CSQ) */
  rssi = 99;
  /** unsolicited lines seen, by their first word (RDY, UNDER-VOLTAGE, …) */
  readonly urcs: Record<string, number> = {};
  private readonly at: AtChannel;
  private waiters: Array<{ prefix: string; resolve: (line: string) => void }> = [];

  constructor(private readonly o: Sim900Options) {
    this.at = new AtChannel({ io: o.io, clock: o.clock, onUrc: (line) => this.urc(line) });
  }

  /** Serial data from the modem. */
  feed(chunk: string): void {
    this.at.feed(chunk);
  }

  /** One whole session: power on, POST the body, read the reply, power off (also after a failure). */
  upload(body: string): Promise<UploadReply> {
    return this.connect()
      .then(() => this.post(body))
      .then(
        (reply) => this.shutdown().then(() => reply),
        (e: unknown) => this.shutdown().then(() => Promise.reject(classify(e))),
      );
  }

  private connect(): Promise<void> {
    return this.powerOn()
      .then(() => this.cmd("ATE0"))
      .then(() => this.set("checking-sim"))
      .then(() => this.at.command("AT+CPIN?", 5000))
      .then(
        (r) => {
          if (r.lines.join() !== "+CPIN: READY") throw modemError("no-sim", `SIM not ready: ${r.lines.join(" ")}`);
        },
        (e: unknown) => {
          // +CME ERROR: 10 is "SIM not inserted" (AT Commands Set, CME error codes).
          throw isAtError(e) && e.kind === "cme" ? modemError("no-sim", e.message) : e;
        },
      )
      .then(() => this.at.command("AT+CSQ"))
      .then((r) => {
        const m = /^\+CSQ: (\d+),/.exec(r.lines[0] ?? "");
        this.rssi = m ? parseInt(m[1]!, 10) : 99;
      })
      .then(() => this.register())
      .then(() => this.attach())
      .then(() => this.openBearer());
  }

  private powerOn(): Promise<void> {
    this.set("powering-on");
    // A PWRKEY press of at least 1 s switches the module on (SIM900 Hardware Design, 4.2.1).
    this.o.powerKey.write(true);
    return this.sleep(1200)
      .then(() => {
        this.o.powerKey.write(false);
        return this.untilAnswers(10);
      });
  }

  /** "AT" until OK: the module answers once its UART is up (RDY is not sent with autobauding). */
  private untilAnswers(tries: number): Promise<void> {
    return this.at.command("AT", 1000).then(
      () => undefined,
      (e: unknown) => {
        if (tries <= 1) throw modemError("power", `the modem does not answer after power-on (${(e as Error).message})`);
        return this.sleep(500).then(() => this.untilAnswers(tries - 1));
      },
    );
  }

  /** Polls AT+CREG? until registered at home (1) or roaming (5); 3 is denied. */
  private register(): Promise<void> {
    this.set("registering");
    const deadline = (this.o.registerTimeoutS ?? 60) * 1000;
    const poll = (waited: number): Promise<void> =>
      this.at.command("AT+CREG?").then((r) => {
        // The answer is "+CREG: <n>,<stat>"; an unsolicited "+CREG: <stat>" may come along with it.
        let m: RegExpExecArray | null = null;
        for (let i = 0; i < r.lines.length && !m; i++) m = /^\+CREG: \d,(\d)/.exec(r.lines[i]!);
        const stat = m ? parseInt(m[1]!, 10) : -1;
        if (stat === 1 || stat === 5) return undefined;
        if (stat === 3) throw modemError("no-network", "registration denied (+CREG stat 3)");
        if (waited >= deadline) throw modemError("no-network", `not registered after ${deadline / 1000} s (stat ${stat}, rssi ${this.rssi})`);
        return this.sleep(2000).then(() => poll(waited + 2000));
      });
    return poll(0);
  }

  private attach(): Promise<void> {
    this.set("attaching");
    return this.at
      .command("AT+CGATT?")
      .then((r) => (r.lines[0] === "+CGATT: 1" ? undefined : this.at.command("AT+CGATT=1", 10_000).then(() => undefined)))
      .then(undefined, (e: unknown) => {
        throw isModemError(e) ? e : modemError("no-gprs", `GPRS attach failed: ${(e as Error).message}`);
      });
  }

  private openBearer(): Promise<void> {
    this.set("opening-bearer");
    const q = (s: string) => '"' + s.replace(/"/g, "") + '"';
    let chain = this.cmd('AT+SAPBR=3,1,"CONTYPE","GPRS"').then(() => this.cmd(`AT+SAPBR=3,1,"APN",${q(this.o.apn)}`));
    if (this.o.user) chain = chain.then(() => this.cmd(`AT+SAPBR=3,1,"USER",${q(this.o.user!)}`));
    if (this.o.password) chain = chain.then(() => this.cmd(`AT+SAPBR=3,1,"PWD",${q(this.o.password!)}`));
    return chain
      // Opening the bearer can take up to 85 s (SIM900 AT Commands Set, AT+SAPBR); ERROR may mean it is open already.
      .then(() => this.at.command("AT+SAPBR=1,1", 85_000).then(undefined, () => undefined))
      .then(() => this.at.command("AT+SAPBR=2,1"))
      .then((r) => {
        if (!/^\+SAPBR: 1,1,/.test(r.lines[0] ?? "")) throw modemError("no-gprs", `no GPRS bearer: ${r.lines.join(" ")}`);
      })
      .then(undefined, (e: unknown) => {
        throw isModemError(e) ? e : modemError("no-gprs", `bearer: ${(e as Error).message}`);
      });
  }

  private post(body: string): Promise<UploadReply> {
    this.set("sending");
    let status = 0;
    let length = 0;
    // HTTPINIT fails when a session is left open: close it and start again.
    return this.at
      .command("AT+HTTPINIT")
      .then(undefined, () => this.cmd("AT+HTTPTERM").then(() => this.cmd("AT+HTTPINIT")))
      .then(() => this.cmd('AT+HTTPPARA="CID",1'))
      .then(() => this.cmd(`AT+HTTPPARA="URL","${this.o.url}"`))
      .then(() => this.cmd(`AT+HTTPPARA="CONTENT","${this.o.contentType}"`))
      .then(() => this.cmd(`AT+HTTPPARA="USERDATA","Authorization: Bearer ${this.o.token}"`))
      // DOWNLOAD asks for exactly that many bytes within the given ms (IP Application Note, AT+HTTPDATA).
      .then(() => this.at.command(`AT+HTTPDATA=${body.length},10000`, 15_000, body))
      .then(() => {
        const action = this.waitFor("+HTTPACTION:", 60_000);
        return this.cmd("AT+HTTPACTION=1").then(() => action);
      })
      .then((line) => {
        const m = /^\+HTTPACTION: *1,(\d+),(\d+)/.exec(line);
        status = m ? parseInt(m[1]!, 10) : 0;
        length = m ? parseInt(m[2]!, 10) : 0;
        const six = STATUS_6XX[status] ?? (status >= 600 ? (["network", `HTTP action failed (${status})`] as [ModemErrorKind, string]) : undefined);
        if (six) throw modemError(six[0], six[1]);
        return length > 0 ? this.at.command("AT+HTTPREAD", 10_000).then((r) => r.payload) : "";
      })
      .then((reply) => ({ status, body: reply }));
  }

  /** Closes HTTP and the bearer and powers down, whatever state the session is in. */
  private shutdown(): Promise<void> {
    this.set("closing");
    const quiet = (c: string) => this.at.command(c, 5000).then(() => undefined, () => undefined);
    return quiet("AT+HTTPTERM")
      .then(() => quiet("AT+SAPBR=0,1"))
      .then(() => {
        this.set("powering-off");
        const down = this.waitFor("NORMAL POWER DOWN", 5000).then(() => true, () => false);
        return quiet("AT+CPOWD=1").then(() => down);
      })
      .then((down) => {
        if (down) return undefined;
        // No answer: a PWRKEY press switches it off too.
        this.o.powerKey.write(true);
        return this.sleep(1200).then(() => this.o.powerKey.write(false));
      })
      .then(() => this.set("off"));
  }

  private urc(line: string): void {
    const word = line.split(/[: ,]/)[0]!;
    this.urcs[word] = (this.urcs[word] ?? 0) + 1;
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i]!;
      if (line.indexOf(w.prefix) === 0) {
        this.waiters.splice(i, 1);
        w.resolve(line);
        return;
      }
    }
  }

  /** The next unsolicited line starting with `prefix`. */
  private waitFor(prefix: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const w = {
        prefix,
        resolve: (line: string) => {
          this.o.clock.clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = this.o.clock.setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(modemError("timeout", `no ${prefix} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  private cmd(command: string): Promise<void> {
    return this.at.command(command).then(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.o.clock.setTimeout(resolve, ms);
    });
  }

  private set(state: Sim900State): void {
    this.state = state;
    if (this.o.onState) this.o.onState(state);
  }
}

/** Any failure as a ModemError. */
function classify(e: unknown): ModemError {
  if (isModemError(e)) return e;
  if (isAtError(e)) return modemError(e.kind === "timeout" ? "timeout" : "modem", e.message);
  return modemError("modem", e instanceof Error ? e.message : String(e));
}

/** What to do with a batch after an upload (the retry policy's input). */
export function uploadOutcome(reply: UploadReply): "acknowledged" | "rejected" | "retry" {
  if (reply.status >= 200 && reply.status < 300) return "acknowledged";
  // 400 (malformed) and 413 will fail the same way again: set aside and counted, not retried forever.
  if (reply.status === 400 || reply.status === 409 || reply.status === 413 || reply.status === 415) return "rejected";
  return "retry"; // 401 (token being fixed), 429, 5xx
}

/** Exponential backoff with full jitter: a random wait up to base·2^attempt, capped. */
export function backoffMs(attempt: number, random: () => number, baseMs = 30_000, capMs = 30 * 60_000): number {
  return Math.floor(random() * Math.min(capMs, baseMs * Math.pow(2, attempt)));
}
