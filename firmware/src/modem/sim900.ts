import { attachState, bearerStatus, httpAction, registration, signal, simState } from "./at-answers.ts";
import type { UploadReply } from "../uplink/uplink.ts";
import type { Clock, OutputPin, SerialPort } from "../hal/hardware.ts";
import { AtChannel, isAtError, isSimError, type AtResponse, type SerialIo } from "./at-channel.ts";

const noop = () => {};

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
  | "powering-off"
  | "asleep";

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
  /** the modem's UART; a full port (with onData and close) is the driver's from now on: it reads it and closes it */
  io: SerialIo & Partial<Pick<SerialPort, "onData" | "close">>;
  clock: Clock;
  /** the shield's PWRKEY line (D9 on the common SIM900 shield, through a transistor: true = pressed) */
  powerKey: OutputPin;
  /** the module's STATUS output where the board wires it (high while on; SIM900 Hardware Design 4.2.3) */
  status?: { read(): boolean };
  /** seconds a module that is on may stay silent (booting after a reset) before PWRKEY is pressed, without STATUS (default 6) */
  probeS?: number;
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
  /** between uploads stay registered in sleep mode instead of powering down (the modemSleep setting) */
  sleep?: boolean;
  /** the module's DTR where the board wires it: sleep mode 1, DTR high sleeps (AT+CSCLK=1); without it mode 2, an idle UART sleeps */
  dtr?: OutputPin;
}



/**
 * The SIM900 upload session, a state machine over AtChannel: power on with
 * PWRKEY, ATE0, SIM, signal, registration (home or roaming), GPRS attach,
 * bearer (SAPBR), HTTP POST of one body, HTTPREAD of the reply, HTTPTERM,
 * bearer closed, power down. With `sleep`, a session that went well ends in
 * sleep mode instead, registered with its bearer open, and the next starts by
 * waking it; a failed one still powers down. Unsolicited lines are handled
 * wherever they come.
 */
export class Sim900 {
  state: Sim900State = "off";
  /** signal quality of the last session, 0–31 (99 unknown; AT+CSQ) */
  rssi = 99;
  /** unsolicited lines seen, by their first word (RDY, UNDER-VOLTAGE, …) */
  readonly urcs: Record<string, number> = {};
  private readonly at: AtChannel;
  /** a POWER DOWN line came since power-on */
  private poweredDown = false;
  private waiters: Array<{ prefix: string; resolve: (line: string) => void }> = [];

  private closed = false;

  constructor(private readonly o: Sim900Options) {
    this.at = new AtChannel({ io: o.io, clock: o.clock, onUrc: (line) => this.urc(line) });
    if (o.io.onData) o.io.onData((chunk) => this.feed(chunk));
  }

  /** Serial data from the modem (the port's own, or a test's). */
  feed(chunk: string): void {
    this.at.feed(chunk);
  }

  /** Closes the modem's port; safe twice. A session under way fails as its next command finds the port closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.o.io.close) this.o.io.close();
  }

  /** One whole session: power on (or wake), POST the body, read the reply, power off or sleep (power off after a failure). */
  upload(body: string): Promise<UploadReply> {
    return (this.state === "asleep" ? this.wake() : Promise.resolve(false))
      .then((awake) => this.connect(awake))
      .then(() => this.post(body))
      .then(
        (reply) => (this.o.sleep ? this.doze() : this.shutdown()).then(() => reply),
        (e: unknown) => this.shutdown().then(() => Promise.reject(classify(e))),
      );
  }

  /**
   * Out of sleep mode: DTR low, and the UART answers about 50 ms later (SIM900 Hardware Design
   * V1.05 §3.5.3); in mode 2 the first characters only wake it, so AT is asked until it answers.
   * A module that does not answer is taken for off: connect() powers it on.
   */
  private wake(): Promise<boolean> {
    if (this.o.dtr) this.o.dtr.write(false);
    return this.sleep(100)
      .then(() => this.untilAnswers(3))
      .then(
        () => true,
        () => false,
      );
  }

  /** HTTP closed, the bearer and the registration kept, asleep: AT+CSCLK (AT Commands Manual V1.11 §6.2.23). */
  private doze(): Promise<void> {
    return this.endHttp()
      .then(() => this.quiet("AT+CSCLK=" + (this.o.dtr ? 1 : 2)))
      .then(() => {
        if (this.o.dtr) this.o.dtr.write(true);
        this.set("asleep");
      });
  }

  /** Power on (unless `awake`: it answered already), then registration, GPRS and the bearer; each step is a no-op when done. */
  private connect(awake: boolean): Promise<void> {
    return (awake ? Promise.resolve() : this.powerOn())
      // Numeric +CME errors (AT+CMEE=1): a module set to 0 says a bare ERROR for everything.
      .then(() => this.cmds(["ATE0", "AT+CMEE=1"]))
      .then(() => this.checkSim(8))
      .then(() => this.send("AT+CSQ"))
      .then((r) => {
        this.rssi = signal(r);
        return this.register();
      })
      .then(() => this.attach())
      .then(() => this.openBearer());
  }

  /**
   * AT+CPIN? until READY. Just after power-on the SIM is still being read: "+CPIN: NOT READY",
   * a bare ERROR or +CME ERROR 14 (busy), so those are asked again, a second apart; a missing,
   * locked or broken SIM fails at once; whatever it is at the end is no-sim.
   */
  private checkSim(tries: number): Promise<void> {
    this.set("checking-sim");
    const again = (why: string): Promise<void> => {
      if (tries <= 1) throw modemError("no-sim", "SIM not ready: " + why);
      return this.sleep(1000).then(() => this.checkSim(tries - 1));
    };
    return this.at.command("AT+CPIN?", 5000).then(
      (r) => {
        const state = simState(r);
        if (state === "READY") return undefined;
        if (state && state !== "NOT READY") throw modemError("no-sim", "SIM not ready: " + state);
        return again(state || r.lines.join(" "));
      },
      (e: unknown) => {
        const busy = isAtError(e) && (e.code === 14 || /busy/.test(e.message));
        if (isSimError(e) && !busy) throw modemError("no-sim", (e as Error).message);
        return again((e as Error).message);
      },
    );
  }

  private powerOn(): Promise<void> {
    this.set("powering-on");
    this.poweredDown = false;
    // PWRKEY toggles: a press switches a module that is on off (SIM900 Hardware Design 4.2.1).
    // STATUS, where wired, says whether it is on; otherwise a module that is on answers AT
    // within a few seconds, even while it boots after a reset (real modules stay silent for ~5 s).
    const s = this.o.status;
    const on = () => this.pressPowerKey().then(() => this.untilAnswers(20));
    if (s) return s.read() ? this.untilAnswers(20) : on();
    return this.untilAnswers(Math.max(1, Math.round((this.o.probeS === undefined ? 6 : this.o.probeS) / 1.5))).then(undefined, on);
  }

  /** PWRKEY held for 1.2 s: on when off, off when on. */
  private pressPowerKey(): Promise<void> {
    this.o.powerKey.write(true);
    return this.sleep(1200).then(() => this.o.powerKey.write(false));
  }

  /** "AT" until OK, a try every 1.5 s at most: the module answers once its UART is up (RDY is not sent with autobauding). */
  private untilAnswers(tries: number): Promise<void> {
    return this.at.command("AT", 1000).then(
      () => undefined,
      (e: unknown) => {
        if (tries <= 1) throw modemError("power", "the modem does not answer after power-on (" + (e as Error).message + ")");
        return this.sleep(500).then(() => this.untilAnswers(tries - 1));
      },
    );
  }

  /** Polls AT+CREG? until registered at home (1) or roaming (5); 3 is denied. */
  private register(): Promise<void> {
    this.set("registering");
    const deadline = (this.o.registerTimeoutS || 60) * 1000;
    const poll = (waited: number): Promise<void> =>
      this.send("AT+CREG?").then((r) => {
        const stat = registration(r);
        if (stat === 1 || stat === 5) return undefined;
        if (stat === 3) throw modemError("no-network", "registration denied (+CREG stat 3)");
        if (waited >= deadline) throw modemError("no-network", "not registered after " + deadline / 1000 + " s (stat " + stat + ", rssi " + this.rssi + ")");
        return this.sleep(2000).then(() => poll(waited + 2000));
      });
    return poll(0);
  }

  private attach(): Promise<void> {
    this.set("attaching");
    return this.send("AT+CGATT?")
      .then((r) => (attachState(r) === 1 ? undefined : this.send("AT+CGATT=1", 10_000)))
      .then(undefined, (e: unknown) => {
        throw modemError(isSimError(e) ? "no-sim" : "no-gprs", "GPRS attach failed: " + (e as Error).message);
      });
  }

  private openBearer(): Promise<void> {
    this.set("opening-bearer");
    const o = this.o;
    const set = (name: string, value: string | undefined) => (value ? 'AT+SAPBR=3,1,"' + name + '","' + value.replace(/"/g, "") + '"' : "");
    // Opening the bearer can take up to 85 s (SIM900 AT Commands Set, AT+SAPBR); ERROR may mean it is
    // open already, so the query decides, and a bearer still closed is opened again (3 tries).
    const open = (tries: number): Promise<void> =>
      this.at
        .command("AT+SAPBR=1,1", 85_000)
        .then(undefined, () => undefined)
        .then(() => this.send("AT+SAPBR=2,1"))
        .then((r) => {
          if (bearerStatus(r) === 1) return undefined;
          if (tries > 1) return open(tries - 1);
          throw modemError("no-gprs", "no GPRS bearer: " + r.lines.join(" "));
        });
    return this.cmds([set("CONTYPE", "GPRS"), set("APN", o.apn), set("USER", o.user), set("PWD", o.password)])
      .then(() => open(3))
      .then(undefined, (e: unknown) => {
        throw isModemError(e) ? e : modemError("no-gprs", "bearer: " + (e as Error).message);
      });
  }

  private post(body: string): Promise<UploadReply> {
    this.set("sending");
    const o = this.o;
    let status = 0;
    // HTTPINIT fails when a session is left open: close it (ERROR if there was none) and start again.
    return this.at
      .command("AT+HTTPINIT")
      .then(undefined, () => this.at.command("AT+HTTPTERM").then(undefined, () => undefined).then(() => this.send("AT+HTTPINIT")))
      .then(() =>
        this.cmds(['AT+HTTPPARA="CID",1', 'AT+HTTPPARA="URL","' + o.url + '"', 'AT+HTTPPARA="CONTENT","' + o.contentType + '"', 'AT+HTTPPARA="USERDATA","Authorization: Bearer ' + o.token + '"']),
      )
      // DOWNLOAD asks for exactly that many bytes within the given ms (IP Application Note, AT+HTTPDATA).
      .then(() => this.send("AT+HTTPDATA=" + body.length + ",10000", 15_000, body))
      .then(() => {
        // Waiting starts before the command, so that a quick +HTTPACTION is not missed. Its
        // failure is taken up below, but it may come while the command is still being
        // retried: handled now, it is no unhandled rejection meanwhile.
        const action = this.waitFor("+HTTPACTION:", 60_000);
        action.then(undefined, () => undefined);
        return this.cmds(["AT+HTTPACTION=1"]).then(() => action);
      })
      .then((line) => {
        const a = httpAction(line);
        status = a ? a[1]! : 0;
        // Statuses of 600 and up are the module's own (SIM900 IP Application Note): 601 network
        // error, 602 no memory, 603 DNS error, 604 stack busy.
        if (status >= 600) throw modemError(status === 603 ? "dns" : status === 602 || status === 604 ? "modem" : "network", "HTTP action failed (" + status + ")");
        return a && a[2] ? this.send("AT+HTTPREAD", 10_000).then((r) => r.payload) : "";
      })
      .then((reply) => ({ status, body: reply }));
  }

  /** Closes HTTP and the bearer and powers down, whatever state the session is in. */
  private shutdown(): Promise<void> {
    let down: Promise<void>;
    return this.endHttp()
      .then(() => this.quiet("AT+SAPBR=0,1"))
      .then(() => {
        this.set("powering-off");
        down = this.waitFor("NORMAL POWER DOWN", 5000).then(noop, noop);
        return this.quiet("AT+CPOWD=1");
      })
      // No power-down line (a hung modem): a PWRKEY press switches it off too. Not when it
      // is already off: PWRKEY toggles, and would switch it back on.
      .then(() => down.then(() => (this.poweredDown ? undefined : this.pressPowerKey())))
      .then(() => this.set("off"));
  }

  /** The session's end, however it went: HTTP closed, whatever state it was in. */
  private endHttp(): Promise<void> {
    // A failed session's +HTTPACTION waiter must not take the next session's line.
    this.waiters = [];
    this.set("closing");
    return this.quiet("AT+HTTPTERM");
  }

  /** A command whose answer does not matter (closing down): it goes on either way. */
  private quiet(command: string): Promise<void> {
    return this.at.command(command, 5000).then(noop, noop);
  }

  private urc(line: string): void {
    const word = line.split(/[: ,]/)[0]!;
    this.urcs[word] = (this.urcs[word] || 0) + 1;
    // NORMAL, UNDER-VOLTAGE or OVER-VOLTAGE POWER DOWN: the modem is off (SIM900 Hardware Design 3.4.2).
    if (/POWER DOWN$/.test(line)) this.poweredDown = true;
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
        reject(modemError("timeout", "no " + prefix + " in " + timeoutMs + " ms"));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /**
   * One command, tried up to 4 times on ERROR, silence or a +CME error other
   * than the SIM's own (isSimError: 10–15, or the same in words): a module busy
   * with the network answers so now and then, and one such answer should not
   * cost a whole session.
   */
  private send(command: string, timeoutMs?: number, data?: string, tries = 4): Promise<AtResponse> {
    return this.at.command(command, timeoutMs, data).then(undefined, (e: unknown) => {
      if (tries <= 1 || !isAtError(e) || isSimError(e)) throw e;
      return this.sleep(500).then(() => this.send(command, timeoutMs, data, tries - 1));
    });
  }

  /** The commands one after another with the default timeout ("" skips one). */
  private cmds(commands: string[]): Promise<void> {
    let chain = Promise.resolve();
    for (let i = 0; i < commands.length; i++) {
      const c = commands[i]!;
      if (c) chain = chain.then(() => this.send(c).then(() => undefined));
    }
    return chain;
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
  if (isSimError(e)) return modemError("no-sim", (e as Error).message);
  if (isAtError(e)) return modemError(e.kind === "timeout" ? "timeout" : "modem", e.message);
  return modemError("modem", e instanceof Error ? e.message : String(e));
}
