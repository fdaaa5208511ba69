import { AtCommandFramer } from "./at-command-framer.ts";
import { httpAirBytes } from "../relay/http-air-bytes.ts";
import { mulberry32 } from "@kayaktrack/firmware/testing/prng";
import { relayHttp } from "../relay/relay-http.ts";
import { scaledClock, type SimClock } from "../scaled-clock.ts";

/** The emulated module's state, coarsest first: what the progress line shows. */
export type ModemState = "off" | "on" | "registered" | "bearer" | "http" | "asleep";

/** Faults on demand; both may change at any time (setErrorRate, setCoverage). */
export interface Sim900Faults {
  /** fraction 0–1 of commands that fail: ERROR, +CME ERROR, or no answer at all */
  errorRate: number;
  /** false: no network (a coverage gap): CREG searching, CSQ 99,99, the bearer drops */
  coverage: boolean;
}

export interface Sim900EmulatorOptions {
  /** the serial line to the host: every reply goes through write() (bytes as latin1) */
  io: { write(data: Buffer): void };
  /** timers and time (default: the wall clock); counters are in its milliseconds */
  clock?: SimClock;
  /** performs AT+HTTPACTION (default: Node's fetch) */
  fetch?: typeof fetch;
  /** uniform [0, 1): jitter and faults (default: mulberry32(seed)) */
  random?: () => number;
  seed?: number;
  /** multiplies every modelled delay (default 1; 0 answers at once, except the network) */
  delayScale?: number;
  /** start powered on, UART up and registered, as if PWRKEY had been pressed long ago */
  startOn?: boolean;
  faults?: Partial<Sim900Faults>;
  /** signal quality in coverage, 0–31 (AT+CSQ; default 18, about -77 dBm) */
  rssi?: number;
  /** registered roaming (+CREG stat 5) instead of home (1) */
  roaming?: boolean;
  /** an HTTP action gives up (601) after this long on the clock (default 50 s) */
  httpTimeoutMs?: number;
  onState?: (state: ModemState) => void;
  /** io.write threw (the port is gone); the emulator carries on */
  onError?: (error: Error) => void;
}

export interface Sim900Counters {
  /** ms powered on (clock), the current session included: the modem's energy */
  poweredOnMs: number;
  /** of poweredOnMs, ms in sleep mode (AT+CSCLK) */
  sleepMs: number;
  powerOns: number;
  /** AT command lines taken */
  commands: number;
  /** commands given a fault (ERROR, +CME ERROR or silence) */
  faults: number;
  /** AT+CSQ answered 99,99: asked for the signal in a coverage gap */
  noSignal: number;
  /** HTTPACTION=1 carried to the network (with a bearer) */
  httpPosts: number;
  /** HTTP actions of any method carried to the network */
  httpRequests: number;
  /** actions that ended in a 60x status (no bearer, no answer, DNS) */
  httpFailures: number;
  /** HTTPDATA bodies and server replies, bytes */
  bodyBytesSent: number;
  bodyBytesReceived: number;
  /** on air: HTTP plus the TCP/IP and DNS packets around it (http-air-bytes.ts) */
  airBytesSent: number;
  airBytesReceived: number;
  /** radio transmissions: registration, GPRS attach, PDP (de)activation, detach, and each uplink packet */
  txBursts: number;
  /**
   * ms transmitting (clock): the uplink bytes at the modelled uplink rate, and
   * one radio block (4 TDMA frames, 18.5 ms) for each signalling burst
   */
  transmitMs: number;
  /** io.write failures */
  writeErrors: number;
}

/**
 * Delays of the module, in ms on the clock, before delayScale and a ±25 %
 * jitter. Sources: SIM900 Hardware Design V2 (4.2 power on/down), SIM900 AT
 * Commands Set V1.x (maximum response times), SIM900 IP Application Note;
 * network times are typical of GPRS, not from a manual.
 */
export const SIM900_TIMING = {
  /** PWRKEY held low this long switches the module on or off (Hardware Design 4.2.1, 4.2.2.1) */
  pwrkeyMs: 1000,
  /** from switching on to the UART answering and RDY (STATUS goes high after about 2.2 s from the press) */
  uartReadyMs: 1200,
  /** RDY to Call Ready */
  callReadyMs: 3000,
  /** RDY (or coverage coming back) to network registration */
  registerMs: 4000,
  /** registration to the automatic GPRS attach */
  attachMs: 1500,
  /** AT+CGATT=1 or AT+SAPBR=1,1 without a network gives up after this long */
  noNetworkMs: 7000,
  /** PDP context activation (AT+SAPBR=1,1; the manual allows up to 85 s) */
  bearerOpenMs: 2000,
  bearerCloseMs: 600,
  /** a simple command's answer */
  answerMs: 15,
  /** AT+CPOWD=1 to NORMAL POWER DOWN */
  powerDownMs: 50,
  /** GPRS round trip: HTTP costs two (TCP handshake, request), a DNS lookup one more */
  rttMs: 600,
  /** GPRS multislot class 10 at CS-2, about 60 % of the raw 26.8 / 53.6 kbit/s */
  uplinkBytesPerS: 2000,
  downlinkBytesPerS: 4000,
  /** a GPRS radio block: 4 TDMA frames of 4.615 ms (3GPP TS 45.002) */
  radioBlockMs: 18.46,
  /** DTR low to the UART answering, out of sleep mode 1 (Hardware Design V1.05 §3.5.3: "about 50ms") */
  wakeMs: 50,
  /** sleep mode 2: a UART this long idle lets the module sleep (a third-party note, raviyp.com; the AT manual gives no figure) */
  idleSleepMs: 5000,
};

/** AT+HTTPDATA limits (IP Application Note 2.2.6). */
const HTTPDATA_MAX = 318_976;
const HTTP_PARAMS = ["CID", "URL", "UA", "PROIP", "PROPORT", "REDIR", "BREAK", "BREAKEND", "CONTENT", "USERDATA", "TIMEOUT"];
const BEARER_PARAMS = ["CONTYPE", "APN", "USER", "PWD", "PHONENUM", "RATE"];
/** +CME ERROR codes a failing command plausibly gives: operation not allowed, not supported, unknown (AT Commands Set 19.1) */
const CME_CODES = [3, 4, 100];
const METHODS = ["GET", "POST", "HEAD"] as const;

type Bearer = "closed" | "connecting" | "connected" | "closing";
/** +SAPBR status codes (IP Application Note 2.1) */
const BEARER_STATUS: Record<Bearer, number> = { connecting: 0, connected: 1, closing: 2, closed: 3 };

interface HttpSession {
  params: Record<string, string>;
  data: Buffer;
  response: { status: number; body: Buffer } | undefined;
  running: boolean;
}

/**
 * A SIM900 GSM/GPRS module as its host sees it over the serial line: the AT
 * subset the firmware's Sim900 driver uses (firmware/src/modem/sim900.ts),
 * with the module's framing, echo, unsolicited result codes and delays, and
 * HTTP actions carried out for real against the server in the URL.
 *
 * It starts off, ignoring input, until powerKey() is held for a second (or
 * with startOn). Commands are taken one at a time, in order, as the module
 * does; what comes meanwhile waits in the UART buffer.
 */
export class Sim900Emulator {
  private readonly o: Sim900EmulatorOptions;
  private readonly clock: SimClock;
  private readonly random: () => number;
  private readonly doFetch: typeof fetch;
  private readonly framer = new AtCommandFramer();
  private readonly f: Sim900Faults;
  private readonly c: Sim900Counters = {
    poweredOnMs: 0, sleepMs: 0, powerOns: 0, commands: 0, faults: 0, noSignal: 0, httpPosts: 0, httpRequests: 0, httpFailures: 0,
    bodyBytesSent: 0, bodyBytesReceived: 0, airBytesSent: 0, airBytesReceived: 0, txBursts: 0, transmitMs: 0, writeErrors: 0,
  };

  private powered = false;
  private uartReady = false;
  private echo = true;
  private registered = false;
  private attached = false;
  private bearer: Bearer = "closed";
  private ip = "0.0.0.0";
  private readonly bearerParams: Record<string, string> = {};
  private http: HttpSession | undefined;
  /** AT+HTTPDATA after DOWNLOAD: bytes still owed */
  private download: { owed: number; parts: Buffer[]; timer: unknown } | undefined;
  /** a command's answer is on its way: the next waits */
  private busy = false;
  private onSince = 0;
  /** bumped on every power change: timers of an earlier session do nothing */
  private session = 0;
  private readonly timers = new Set<unknown>();
  /** PWRKEY held: its 1 s timer, and whether it has switched the power yet */
  private key: { timer: unknown; toggled: boolean } | undefined;
  private lastState: ModemState = "off";
  private closed = false;
  /** AT+CSCLK: 0 never sleeps, 1 sleeps while DTR is high, 2 sleeps when the UART is idle */
  private slowClock = 0;
  private dtrHigh = false;
  private asleepSince: number | undefined;
  /** sleep mode 2: the idle timer */
  private idle: unknown;

  constructor(options: Sim900EmulatorOptions) {
    this.o = options;
    this.clock = options.clock ?? scaledClock(1);
    this.random = options.random ?? mulberry32(options.seed ?? 900);
    this.doFetch = options.fetch ?? fetch;
    this.f = { errorRate: 0, coverage: true };
    this.setErrorRate(options.faults?.errorRate ?? 0);
    this.f.coverage = options.faults?.coverage ?? true;
    if (options.startOn) {
      this.switchOn();
      this.becomeReady();
      if (this.f.coverage) {
        this.registered = true;
        this.attached = true;
      }
      this.update();
    }
  }

  /** Serial bytes from the host, any chunk size; a string is taken as latin1. Ignored while off. */
  feed(chunk: Uint8Array | string): void {
    if (this.closed) return;
    if (!this.powered || !this.uartReady) return;
    if (this.asleepSince !== undefined) {
      // Asleep the serial port is not accessible (Hardware Design §3.5.2); in mode 2 data wakes the
      // module (AT Commands Manual V1.11, AT+CSCLK), and those first characters are lost.
      if (this.slowClock === 2) this.wake();
      return;
    }
    this.framer.feed(chunk);
    this.pump();
    this.idleAgain();
  }

  /**
   * The DTR line (true = high). With AT+CSCLK=1 high lets the module sleep, low wakes it and
   * the UART answers about 50 ms later (Hardware Design V1.05 §3.5.2–3.5.3).
   */
  dtr(high: boolean): void {
    if (this.closed) return;
    this.dtrHigh = high;
    if (high) this.maySleep();
    else if (this.asleepSince !== undefined && this.slowClock === 1) this.after(SIM900_TIMING.wakeMs, () => this.wake(), false);
  }

  /** The PWRKEY line (true = pulled low, "pressed"): held ≥ 1 s it switches the module on, or off. */
  powerKey(pressed: boolean): void {
    if (this.closed) return;
    if (!pressed) {
      // Released before the second was up: nothing happens.
      if (this.key && !this.key.toggled) this.clock.clearTimeout(this.key.timer);
      this.key = undefined;
      return;
    }
    if (this.key) return; // still held
    const key = { timer: undefined as unknown, toggled: false };
    // One toggle per press, however long it is held.
    key.timer = this.clock.setTimeout(() => {
      key.toggled = true;
      if (this.powered) this.powerDown("NORMAL POWER DOWN");
      else this.powerOn();
    }, this.scaled(SIM900_TIMING.pwrkeyMs));
    this.key = key;
  }

  /** Its supply cut (the tracker's battery): off at once, saying nothing. */
  powerCut(): void {
    if (this.powered && !this.closed) this.powerDown();
  }

  /** Turns the network on or off: a coverage gap. */
  setCoverage(on: boolean): void {
    if (this.f.coverage === on) return;
    this.f.coverage = on;
    if (!on) {
      this.registered = false;
      this.attached = false;
      const wasUp = this.bearer === "connected";
      this.bearer = "closed"; // one being opened fails (AT+SAPBR=1,1 answers ERROR)
      this.ip = "0.0.0.0";
      // The network drops the PDP context: the module says so (IP Application Note, +SAPBR URC).
      if (wasUp) this.urc("+SAPBR 1: DEACT");
    } else if (this.uartReady) {
      this.scheduleRegistration();
    }
    this.update();
  }

  /** The fraction 0–1 of commands that fail from now on. */
  setErrorRate(rate: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`error rate must be from 0 to 1, not ${rate}`);
    this.f.errorRate = rate;
  }

  get faults(): Sim900Faults {
    return { ...this.f };
  }

  get state(): ModemState {
    if (!this.powered) return "off";
    if (this.asleepSince !== undefined) return "asleep";
    if (this.bearer === "connected") return this.http ? "http" : "bearer";
    return this.registered ? "registered" : "on";
  }

  /** A snapshot; poweredOnMs includes the session under way. */
  get counters(): Sim900Counters {
    const now = this.clock.now();
    return {
      ...this.c,
      poweredOnMs: this.c.poweredOnMs + (this.powered ? now - this.onSince : 0),
      sleepMs: this.c.sleepMs + (this.asleepSince !== undefined ? now - this.asleepSince : 0),
    };
  }

  /** Stops every timer; the emulator stays silent afterwards. Safe twice. */
  close(): void {
    if (this.closed) return;
    if (this.key && !this.key.toggled) this.clock.clearTimeout(this.key.timer);
    this.key = undefined;
    if (this.powered) this.powerDown();
    this.closed = true;
  }

  // --- power -----------------------------------------------------------

  private switchOn(): void {
    this.clearTimers();
    this.powered = true;
    this.uartReady = false;
    this.echo = true; // ATE0 is not kept across a power cycle without AT&W
    this.onSince = this.clock.now();
    this.c.powerOns++;
  }

  private becomeReady(): void {
    this.uartReady = true;
    this.framer.clear();
  }

  private powerOn(): void {
    this.switchOn();
    this.update();
    this.after(SIM900_TIMING.uartReadyMs, () => {
      this.becomeReady();
      // With a fixed baud rate the module says RDY, then the SIM and call stack states (AT Commands Set, URCs).
      this.urc("RDY");
      this.urc("+CFUN: 1");
      this.urc("+CPIN: READY");
      this.after(SIM900_TIMING.callReadyMs, () => this.urc("Call Ready"));
      if (this.f.coverage) this.scheduleRegistration();
    });
  }

  /** Off at once, after `message` if any; a registered module detaches from the network on the way. */
  private powerDown(message?: string): void {
    if (this.asleepSince !== undefined) this.wake();
    this.slowClock = 0; // AT+CSCLK is not kept across a power cycle
    if (message) this.write(`\r\n${message}\r\n`);
    if (this.registered) this.signal(); // IMSI detach
    this.c.poweredOnMs += this.clock.now() - this.onSince;
    this.clearTimers();
    this.framer.clear();
    this.powered = false;
    this.uartReady = false;
    this.registered = false;
    this.attached = false;
    this.bearer = "closed";
    this.ip = "0.0.0.0";
    this.http = undefined;
    this.busy = false;
    for (const k of Object.keys(this.bearerParams)) delete this.bearerParams[k];
    this.update();
  }

  private scheduleRegistration(): void {
    this.after(SIM900_TIMING.registerMs, () => {
      if (!this.f.coverage || this.registered) return;
      this.registered = true;
      this.signal(); // location update
      this.update();
      this.after(SIM900_TIMING.attachMs, () => this.attach());
    });
  }

  private attach(): void {
    if (!this.registered || this.attached) return;
    this.attached = true;
    this.signal(); // GPRS attach
    this.update();
  }

  // --- commands --------------------------------------------------------

  /** Takes what the host has sent, one command at a time. */
  private pump(): void {
    while (!this.busy && this.uartReady) {
      const d = this.download;
      if (d) {
        const got = this.framer.take(d.owed);
        if (got.length === 0) return;
        d.parts.push(got);
        d.owed -= got.length;
        if (d.owed > 0) return;
        this.clock.clearTimeout(d.timer);
        this.timers.delete(d.timer);
        this.download = undefined;
        if (this.http) this.http.data = Buffer.concat(d.parts);
        this.ok();
        continue;
      }
      const line = this.framer.nextLine();
      if (line === undefined) return;
      this.command(line);
    }
  }

  private command(line: string): void {
    // The module echoes what it is typed while echo is on (ATE1, the default).
    if (this.echo) this.write(line + "\r");
    const text = line.trim();
    if (!/^AT/i.test(text)) return; // not a command: no answer
    this.c.commands++;
    if (this.f.errorRate > 0 && this.random() < this.f.errorRate) return this.fault();
    this.execute(text);
  }

  private fault(): void {
    this.c.faults++;
    const r = this.random();
    if (r < 0.4) this.answer("\r\nERROR\r\n");
    else if (r < 0.7) this.answer(`\r\n+CME ERROR: ${CME_CODES[Math.floor(this.random() * CME_CODES.length)]}\r\n`);
    // else: the command is lost, no answer at all
  }

  private execute(text: string): void {
    let m: RegExpExecArray | null;
    if (/^AT$/i.test(text)) return this.ok();
    if ((m = /^ATE([01]?)$/i.exec(text))) {
      this.echo = m[1] === "1";
      return this.ok();
    }
    // AT+CMEE: how errors are reported (0 ERROR, 1 numeric, 2 verbose +CME ERROR); the faults keep their own forms.
    if (/^AT\+CMEE=[012]$/i.test(text)) return this.ok();
    // SIM900 AT Commands Set: +CPIN? (3.2.x), +CSQ, +CREG?, +CGATT
    if (/^AT\+CPIN\?$/i.test(text)) return this.ok(["+CPIN: READY"]);
    if (/^AT\+CSQ$/i.test(text)) {
      if (!this.f.coverage) this.c.noSignal++;
      return this.ok([this.f.coverage ? `+CSQ: ${this.rssi()},0` : "+CSQ: 99,99"]);
    }
    if (/^AT\+CREG\?$/i.test(text)) return this.ok([`+CREG: 0,${this.registered ? (this.o.roaming ? 5 : 1) : 2}`]);
    if (/^AT\+CGATT\?$/i.test(text)) return this.ok([`+CGATT: ${this.attached ? 1 : 0}`]);
    if ((m = /^AT\+CGATT=([01])$/i.exec(text))) return this.cgatt(m[1] === "1");
    // IP Application Note 2.1: AT+SAPBR=<cmd_type>,<cid>[,<ConParamTag>,<ConParamValue>]
    if ((m = /^AT\+SAPBR=3,1,"([A-Z]+)","([^"]*)"$/i.exec(text))) {
      const tag = m[1]!.toUpperCase();
      if (!BEARER_PARAMS.includes(tag)) return this.error();
      this.bearerParams[tag] = m[2]!;
      return this.ok();
    }
    if ((m = /^AT\+SAPBR=([012]),1$/i.exec(text))) return this.sapbr(Number(m[1]));
    // IP Application Note 2.2: the HTTP service
    if (/^AT\+HTTPINIT$/i.test(text)) {
      if (this.http) return this.error(); // a session is open already
      this.http = { params: { CID: "1", UA: "SIMCOM_MODULE", CONTENT: "text/plain" }, data: Buffer.alloc(0), response: undefined, running: false };
      this.update();
      return this.ok();
    }
    if (/^AT\+HTTPTERM$/i.test(text)) {
      if (!this.http) return this.error();
      this.http = undefined;
      this.update();
      return this.ok();
    }
    if ((m = /^AT\+HTTPPARA="([A-Z]+)",(.*)$/i.exec(text))) return this.httpPara(m[1]!.toUpperCase(), m[2]!);
    if ((m = /^AT\+HTTPDATA=(\d+),(\d+)$/i.exec(text))) return this.httpData(Number(m[1]), Number(m[2]));
    if ((m = /^AT\+HTTPACTION=([012])$/i.exec(text))) return this.httpAction(Number(m[1]));
    if ((m = /^AT\+HTTPREAD(?:=(\d+),(\d+))?$/i.exec(text))) return this.httpRead(m[1], m[2]);
    // AT Commands Manual V1.11 §6.2.23, AT+CSCLK: slow clock (sleep mode) 0, 1 (DTR) or 2 (idle UART)
    if ((m = /^AT\+CSCLK=([012])$/i.exec(text))) {
      this.slowClock = Number(m[1]);
      this.ok();
      this.after(SIM900_TIMING.answerMs * 2, () => this.maySleep(), false);
      return;
    }
    if (/^AT\+CSCLK\?$/i.test(text)) return this.ok([`+CSCLK: ${this.slowClock}`]);
    // AT Commands Set, AT+CPOWD: 1 normal power down (says so), 0 urgent (silent)
    if ((m = /^AT\+CPOWD=([01])$/i.exec(text))) {
      if (m[1] === "0") return this.powerDown();
      this.busy = true;
      this.after(SIM900_TIMING.powerDownMs, () => this.powerDown("NORMAL POWER DOWN"));
      return;
    }
    this.error();
  }

  // --- sleep mode ------------------------------------------------------

  /** Mode 1: asleep at once while DTR is high and nothing is under way; mode 2: after the UART's idle time. */
  private maySleep(): void {
    if (!this.powered || !this.uartReady || this.asleepSince !== undefined) return;
    if (this.slowClock === 2) return this.idleAgain();
    if (this.slowClock !== 1 || !this.dtrHigh) return;
    if (this.busy || this.http?.running) {
      this.after(SIM900_TIMING.answerMs, () => this.maySleep(), false);
      return;
    }
    this.fallAsleep();
  }

  /** Mode 2: the idle time starts again. */
  private idleAgain(): void {
    if (this.slowClock !== 2) return;
    if (this.idle !== undefined) {
      this.clock.clearTimeout(this.idle);
      this.timers.delete(this.idle);
    }
    this.idle = this.after(
      SIM900_TIMING.idleSleepMs,
      () => {
        this.idle = undefined;
        if (this.busy || this.http?.running || this.download || this.framer.buffered > 0) return this.idleAgain();
        this.fallAsleep();
      },
      false,
    );
  }

  private fallAsleep(): void {
    this.asleepSince = this.clock.now();
    this.update();
  }

  private wake(): void {
    if (this.asleepSince === undefined) return;
    this.c.sleepMs += this.clock.now() - this.asleepSince;
    this.asleepSince = undefined;
    this.framer.clear();
    this.update();
    this.idleAgain();
  }

  private cgatt(on: boolean): void {
    if (!on) {
      this.attached = false;
      this.bearer = "closed";
      this.ip = "0.0.0.0";
      this.update();
      return this.ok(undefined, SIM900_TIMING.bearerCloseMs);
    }
    if (this.attached) return this.ok();
    if (!this.registered) return this.answer("\r\nERROR\r\n", SIM900_TIMING.noNetworkMs);
    this.busy = true;
    this.after(SIM900_TIMING.attachMs, () => {
      this.attach();
      this.finish(this.attached ? "\r\nOK\r\n" : "\r\nERROR\r\n");
    });
  }

  private sapbr(op: number): void {
    if (op === 2) return this.ok([`+SAPBR: 1,${BEARER_STATUS[this.bearer]},"${this.ip}"`]);
    if (op === 1) {
      if (this.bearer !== "closed") return this.error(); // open (or opening) already
      if (!this.attached) return this.answer("\r\nERROR\r\n", SIM900_TIMING.noNetworkMs);
      this.bearer = "connecting";
      this.busy = true;
      this.after(SIM900_TIMING.bearerOpenMs, () => {
        if (this.bearer !== "connecting" || !this.attached) {
          this.bearer = "closed";
          return this.finish("\r\nERROR\r\n");
        }
        this.bearer = "connected";
        this.ip = `10.${64 + Math.floor(this.random() * 64)}.${Math.floor(this.random() * 256)}.${1 + Math.floor(this.random() * 254)}`;
        this.signal(); // PDP context activation
        this.update();
        this.finish("\r\nOK\r\n");
      });
      return;
    }
    if (this.bearer !== "connected") return this.error();
    this.bearer = "closing";
    this.busy = true;
    this.after(SIM900_TIMING.bearerCloseMs, () => {
      this.bearer = "closed";
      this.ip = "0.0.0.0";
      this.signal(); // PDP context deactivation
      this.update();
      this.finish("\r\nOK\r\n");
    });
  }

  private httpPara(tag: string, raw: string): void {
    if (!this.http || !HTTP_PARAMS.includes(tag)) return this.error();
    const q = /^"(.*)"$/.exec(raw);
    const value = q ? q[1]! : raw.trim();
    if (tag === "CID" && !/^[1-3]$/.test(value)) return this.error();
    this.http.params[tag] = value;
    this.ok();
  }

  /** DOWNLOAD, then exactly `size` raw bytes within `timeMs` (IP Application Note, AT+HTTPDATA). */
  private httpData(size: number, timeMs: number): void {
    if (!this.http || size < 1 || size > HTTPDATA_MAX || timeMs < 1000 || timeMs > 120_000) return this.error();
    this.busy = true;
    this.after(SIM900_TIMING.answerMs, () => {
      this.write("\r\nDOWNLOAD\r\n");
      const timer = this.after(timeMs, () => {
        // The bytes did not all come in time: what came is dropped.
        this.download = undefined;
        this.finish("\r\nERROR\r\n");
      }, false);
      this.download = { owed: size, parts: [], timer };
      this.busy = false;
      this.pump();
    });
  }

  /** OK, then the request on air, then the +HTTPACTION URC (IP Application Note, AT+HTTPACTION). */
  private httpAction(method: number): void {
    const http = this.http;
    if (!http || !http.params.URL) return this.error();
    this.busy = true;
    this.after(SIM900_TIMING.answerMs, () => {
      this.finish("\r\nOK\r\n");
      if (http.running) return this.actionDone(http, method, { status: 604, body: Buffer.alloc(0) }, SIM900_TIMING.answerMs); // stack busy
      http.running = true;
      http.response = undefined;
      if (this.bearer !== "connected") return this.actionDone(http, method, { status: 601, body: Buffer.alloc(0) }, SIM900_TIMING.rttMs);
      this.relay(http, method);
    });
  }

  private relay(http: HttpSession, method: number): void {
    const name = METHODS[method]!;
    this.c.httpRequests++;
    if (name === "POST") {
      this.c.httpPosts++;
      this.c.bodyBytesSent += http.data.length;
    }
    const session = this.session;
    const started = this.clock.now();
    const request = {
      method: name,
      url: http.params.URL!,
      contentType: http.params.CONTENT ?? "",
      userData: http.params.USERDATA ?? "",
      userAgent: http.params.UA ?? "SIMCOM_MODULE",
      body: name === "POST" ? http.data : Buffer.alloc(0),
      timeoutMs: this.o.httpTimeoutMs ?? 50_000,
    };
    relayHttp(this.doFetch, this.clock, request).then(
      (r) => {
        if (session !== this.session) return; // powered off meanwhile: the answer is lost
        const air = httpAirBytes(r);
        this.c.airBytesSent += air.sent;
        this.c.airBytesReceived += air.received;
        this.c.txBursts += air.uplinkPackets;
        this.c.transmitMs += (air.sent / SIM900_TIMING.uplinkBytesPerS) * 1000;
        const t = SIM900_TIMING;
        // The time on air: round trips, then the bytes at GPRS speed; the real request's own time counts toward it.
        const airMs = t.rttMs * (r.dnsName ? 3 : 2) + (air.sent / t.uplinkBytesPerS + air.received / t.downlinkBytesPerS) * 1000;
        const wait = Math.max(0, this.scaled(airMs) - (this.clock.now() - started));
        this.actionDone(http, method, r, wait, false);
      },
      (e: unknown) => {
        this.o.onError?.(e instanceof Error ? e : new Error(String(e)));
        if (session === this.session) this.actionDone(http, method, { status: 601, body: Buffer.alloc(0) }, 0, false);
      },
    );
  }

  /** The +HTTPACTION URC after `ms`; a bearer lost meanwhile turns any answer into 601. */
  private actionDone(http: HttpSession, method: number, r: { status: number; body: Buffer }, ms: number, jitter = true): void {
    this.after(ms, () => {
      if (this.http !== http) return; // HTTPTERM meanwhile
      http.running = false;
      const result = this.bearer === "connected" || r.status >= 600 ? r : { status: 601, body: Buffer.alloc(0) };
      if (result.status >= 600) this.c.httpFailures++;
      else this.c.bodyBytesReceived += result.body.length;
      http.response = result;
      this.urc(`+HTTPACTION: ${method},${result.status},${result.body.length}`);
    }, jitter);
  }

  /** +HTTPREAD: <n>, exactly n bytes, then OK (IP Application Note, AT+HTTPREAD). */
  private httpRead(start: string | undefined, size: string | undefined): void {
    const response = this.http?.response;
    if (!response || this.http!.running) return this.error();
    const from = start === undefined ? 0 : Number(start);
    const data = response.body.subarray(from, size === undefined ? undefined : from + Number(size));
    this.answer(Buffer.concat([Buffer.from(`\r\n+HTTPREAD: ${data.length}\r\n`, "latin1"), data, Buffer.from("\r\nOK\r\n", "latin1")]));
  }

  /** A signalling exchange with the network: one short transmit burst. */
  private signal(): void {
    this.c.txBursts++;
    this.c.transmitMs += SIM900_TIMING.radioBlockMs;
  }

  // --- output ----------------------------------------------------------

  private ok(lines: string[] = [], ms: number = SIM900_TIMING.answerMs): void {
    this.answer(lines.map((l) => `\r\n${l}\r\n`).join("") + "\r\nOK\r\n", ms);
  }

  private error(): void {
    this.answer("\r\nERROR\r\n");
  }

  /** The command's final answer after `ms`; the next command waits until then. */
  private answer(data: string | Buffer, ms: number = SIM900_TIMING.answerMs): void {
    this.busy = true;
    this.after(ms, () => this.finish(data));
  }

  private finish(data: string | Buffer): void {
    this.write(data);
    this.busy = false;
    this.pump();
  }

  private urc(line: string): void {
    if (this.uartReady && this.asleepSince === undefined) this.write(`\r\n${line}\r\n`);
  }

  private write(data: string | Buffer): void {
    if (this.closed) return;
    try {
      this.o.io.write(typeof data === "string" ? Buffer.from(data, "latin1") : data);
    } catch (e) {
      this.c.writeErrors++;
      this.o.onError?.(e instanceof Error ? e : new Error(String(e)));
    }
  }

  // --- time ------------------------------------------------------------

  private rssi(): number {
    const base = this.o.rssi ?? 18;
    return Math.max(0, Math.min(31, base + Math.floor(this.random() * 5) - 2));
  }

  private scaled(ms: number): number {
    return ms * (this.o.delayScale ?? 1);
  }

  /** Runs `fn` after `ms` (scaled, jittered ±25 %) unless the power changes first. */
  private after(ms: number, fn: () => void, jitter = true): unknown {
    const session = this.session;
    const delay = jitter ? this.scaled(ms) * (0.75 + 0.5 * this.random()) : ms;
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      if (session === this.session && !this.closed) fn();
    }, delay);
    this.timers.add(handle);
    return handle;
  }

  private clearTimers(): void {
    this.session++;
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
    this.download = undefined;
  }

  private update(): void {
    const s = this.state;
    if (s === this.lastState) return;
    this.lastState = s;
    this.o.onState?.(s);
  }
}
