import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mulberry32 } from "@kayaktrack/firmware/testing/prng";
import { Sim900Emulator, type ModemState, type Sim900EmulatorOptions } from "./sim900-emulator.ts";

// The emulator on vitest's fake timers: every delay is the module's own, and
// the transcripts are the bytes it writes. HTTP goes to `echoServer`, a fetch
// that answers with what it got (the driver tests use a real ingest server).

const OK = "\r\nOK\r\n";
const BODY = "\x01\x03\xac\r\n\x00AT\r\xff\x5c"; // binary, with CR, LF and "AT" inside
const URL_ = "http://kayak.example/api/v1/batches";

const echoServer = (async (url: unknown, init?: RequestInit) => {
  const body = Buffer.from(init!.body as Uint8Array);
  const headers = new Headers(init!.headers);
  const text = `A ${body.length} ${headers.get("content-type")} ${headers.get("authorization")} ${String(url)}\n`;
  return new Response(Buffer.concat([Buffer.from(text), body]), { status: 200 });
}) as typeof fetch;

function rig(options: Partial<Sim900EmulatorOptions> = {}) {
  let out = "";
  const states: ModemState[] = [];
  const modem = new Sim900Emulator({
    io: { write: (data) => void (out += data.toString("latin1")) },
    clock: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout), now: () => Date.now() },
    fetch: echoServer,
    onState: (s) => states.push(s),
    ...options,
  });
  return {
    modem,
    states,
    /** what the modem wrote since the last call */
    take() {
      const o = out;
      out = "";
      return o;
    },
    /** sends `input` and lets `ms` pass */
    async send(input: string, ms = 100) {
      modem.feed(input);
      await vi.advanceTimersByTimeAsync(ms);
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Sim900Emulator power", () => {
  it("ignores input while off, switches on with a 1 s PWRKEY press and says RDY, +CFUN, +CPIN, Call Ready", async () => {
    const r = rig();
    await r.send("AT\r");
    expect(r.take()).toBe("");
    expect(r.modem.state).toBe("off");

    r.modem.powerKey(true);
    await vi.advanceTimersByTimeAsync(500);
    r.modem.powerKey(false); // too short
    await vi.advanceTimersByTimeAsync(5000);
    expect(r.modem.state).toBe("off");

    r.modem.powerKey(true);
    await vi.advanceTimersByTimeAsync(1200);
    r.modem.powerKey(false);
    expect(r.modem.state).toBe("on");
    await r.send("AT\r", 10); // the UART is not up yet
    expect(r.take()).toBe("");
    await vi.advanceTimersByTimeAsync(1600);
    expect(r.take()).toBe("\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n");
    await r.send("AT\r");
    expect(r.take()).toBe("AT\r" + OK); // echo is on until ATE0
    await r.send("ATE0\rAT\rAT+CREG?\r");
    expect(r.take()).toBe("ATE0\r" + OK + OK + "\r\n+CREG: 0,2\r\n" + OK); // still searching

    await vi.advanceTimersByTimeAsync(8000);
    expect(r.take()).toBe("\r\nCall Ready\r\n");
    await r.send("AT+CREG?\rAT+CGATT?\r");
    expect(r.take()).toBe("\r\n+CREG: 0,1\r\n" + OK + "\r\n+CGATT: 1\r\n" + OK);
    expect(r.states).toEqual(["on", "registered"]);

    // Another long press switches it off; then it is silent.
    r.modem.powerKey(true);
    await vi.advanceTimersByTimeAsync(1500);
    r.modem.powerKey(false);
    expect(r.take()).toBe("\r\nNORMAL POWER DOWN\r\n");
    await r.send("AT\r");
    expect(r.take()).toBe("");
    expect(r.modem.state).toBe("off");
    const c = r.modem.counters;
    expect(c.powerOns).toBe(1);
    expect(c.poweredOnMs).toBeGreaterThan(10_000);
    expect(c.poweredOnMs).toBeLessThan(13_000);
    expect(c.txBursts).toBe(3); // registration, GPRS attach, detach at power down
  });

  it("powers down on AT+CPOWD=1 with NORMAL POWER DOWN, and echoes again after the next power on", async () => {
    const r = rig({ startOn: true });
    expect(r.modem.state).toBe("registered");
    await r.send("ATE0\rAT+CPOWD=1\rAT\r");
    expect(r.take()).toBe("ATE0\r" + OK + "\r\nNORMAL POWER DOWN\r\n");
    expect(r.states).toEqual(["registered", "off"]);
    r.modem.powerKey(true);
    await vi.advanceTimersByTimeAsync(3000);
    r.take();
    await r.send("AT\r");
    expect(r.take()).toBe("AT\r" + OK);
    r.modem.close();
    r.modem.close();
    await r.send("AT\r");
    expect(r.take()).toBe("");
  });
});

describe("Sim900Emulator commands", () => {
  it("answers unknown commands, misplaced HTTP commands and a bearer opened twice with ERROR, and ignores lines that are not AT", async () => {
    const r = rig({ startOn: true });
    await r.send("ATE0\rhello\rAT+FOO\rAT+HTTPTERM\rAT+HTTPPARA=\"URL\",\"x\"\rAT+HTTPINIT\rAT+HTTPINIT\rAT+HTTPPARA=\"NOPE\",1\rAT+HTTPDATA=0,10000\r", 1000);
    expect(r.take()).toBe("ATE0\r" + OK + "\r\nERROR\r\n".repeat(3) + OK + "\r\nERROR\r\n".repeat(3));
    await r.send("AT+SAPBR=2,1\rAT+SAPBR=0,1\rAT+SAPBR=1,1\r", 5000);
    expect(r.take()).toBe('\r\n+SAPBR: 1,3,"0.0.0.0"\r\n' + OK + "\r\nERROR\r\n" + OK);
    await r.send("AT+SAPBR=1,1\rAT+SAPBR=2,1\r");
    expect(r.take()).toMatch(/^\r\nERROR\r\n\r\n\+SAPBR: 1,1,"10\.\d+\.\d+\.\d+"\r\n\r\nOK\r\n$/);
    expect(r.modem.state).toBe("http");
  });

  it("takes exactly the HTTPDATA bytes, and answers ERROR when they do not all come in time", async () => {
    const r = rig({ startOn: true });
    await r.send("ATE0\rAT+HTTPINIT\rAT+HTTPDATA=10,2000\r");
    expect(r.take()).toBe("ATE0\r" + OK + OK + "\r\nDOWNLOAD\r\n");
    await r.send("12345", 2500); // 5 of 10 bytes
    expect(r.take()).toBe("\r\nERROR\r\n");
    await r.send("AT\r"); // what comes after the window is a command again
    expect(r.take()).toBe(OK);
  });

  it("reports 601 for an HTTP action without a bearer, and HTTPREAD is an error before any answer", async () => {
    const r = rig({ startOn: true });
    await r.send(`ATE0\rAT+HTTPINIT\rAT+HTTPREAD\rAT+HTTPPARA="URL","${URL_}"\rAT+HTTPACTION=1\r`, 2000);
    expect(r.take()).toBe("ATE0\r" + OK + OK + "\r\nERROR\r\n" + OK + OK + "\r\n+HTTPACTION: 1,601,0\r\n");
    expect(r.modem.counters).toMatchObject({ httpPosts: 0, httpFailures: 1, airBytesSent: 0 });
  });
});

describe("Sim900Emulator faults", () => {
  it("with an error rate of 1 answers every command with ERROR, +CME ERROR, or nothing", async () => {
    const r = rig({ startOn: true, faults: { errorRate: 1 } });
    for (let i = 0; i < 60; i++) await r.send("AT\r", 50);
    const answers = r.take().split("AT\r").slice(1);
    expect(answers).toHaveLength(60);
    const kinds = new Set(answers.map((a) => (a === "" ? "silence" : /^\r\n\+CME ERROR: \d+\r\n$/.test(a) ? "cme" : a)));
    expect(kinds).toEqual(new Set(["silence", "cme", "\r\nERROR\r\n"]));
    expect(r.modem.counters.faults).toBe(60);
    r.modem.setErrorRate(0);
    await r.send("AT\r");
    expect(r.take()).toBe("AT\r" + OK);
    expect(() => r.modem.setErrorRate(2)).toThrow(RangeError);
  });

  it("loses the network in a coverage gap (the bearer drops) and registers again after it", async () => {
    const r = rig({ startOn: true, rssi: 20 });
    await r.send("ATE0\rAT+CSQ\rAT+SAPBR=1,1\r", 5000);
    expect(r.take()).toMatch(/^ATE0\r\r\nOK\r\n\r\n\+CSQ: (18|19|20|21|22),0\r\n\r\nOK\r\n\r\nOK\r\n$/);
    expect(r.modem.state).toBe("bearer");
    r.modem.setCoverage(false);
    expect(r.modem.faults.coverage).toBe(false);
    expect(r.take()).toBe("\r\n+SAPBR 1: DEACT\r\n");
    expect(r.modem.state).toBe("on");
    await r.send("AT+CSQ\rAT+CREG?\rAT+CGATT?\rAT+CGATT=1\r", 10_000);
    expect(r.take()).toBe("\r\n+CSQ: 99,99\r\n" + OK + "\r\n+CREG: 0,2\r\n" + OK + "\r\n+CGATT: 0\r\n" + OK + "\r\nERROR\r\n");
    r.modem.setCoverage(true);
    await vi.advanceTimersByTimeAsync(8000);
    await r.send("AT+CREG?\rAT+CGATT?\r");
    expect(r.take()).toBe("\r\n+CREG: 0,1\r\n" + OK + "\r\n+CGATT: 1\r\n" + OK);
  });
});

/** Random cuts of `s` into 1–`max` characters. */
function randomSplits(s: string, seed: number, max = 9): string[] {
  const random = mulberry32(seed);
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    const n = 1 + Math.floor(random() * max);
    out.push(s.slice(i, i + n));
    i += n;
  }
  return out;
}

describe("Sim900Emulator input chunking", () => {
  const beforeAction = [
    "AT", "hello", "ATE0", "AT+CPIN?", "AT+CSQ", "AT+CREG?", "AT+CGATT?", "AT+FOO",
    'AT+SAPBR=3,1,"CONTYPE","GPRS"', 'AT+SAPBR=3,1,"APN","internet"', "AT+SAPBR=1,1", "AT+SAPBR=2,1",
    "AT+HTTPINIT", 'AT+HTTPPARA="CID",1', `AT+HTTPPARA="URL","${URL_}"`,
    'AT+HTTPPARA="CONTENT","application/vnd.kayaktrack.batch"', 'AT+HTTPPARA="USERDATA","Authorization: Bearer tok"',
    `AT+HTTPDATA=${BODY.length},10000`,
  ].join("\r") + "\r" + BODY + "AT+HTTPACTION=1\r";
  const afterAction = "AT+HTTPREAD\rAT+HTTPTERM\rAT+SAPBR=0,1\rAT+CPOWD=1\rAT\r";
  const reply = `A ${BODY.length} application/vnd.kayaktrack.batch Bearer tok ${URL_}\n${BODY}`;

  async function transcript(split: (s: string) => string[]) {
    const r = rig({ startOn: true, seed: 5 });
    for (const phase of [beforeAction, afterAction]) {
      for (const chunk of split(phase)) r.modem.feed(chunk);
      await vi.runAllTimersAsync();
    }
    return { out: r.take(), counters: r.modem.counters };
  }

  it("answers a whole upload session as the SIM900 does", async () => {
    const { out, counters } = await transcript((s) => [s]);
    const expected =
      "AT\r" + OK + "hello\r" + "ATE0\r" + OK +
      "\r\n+CPIN: READY\r\n" + OK + "\r\n+CSQ: RSSI,0\r\n" + OK + "\r\n+CREG: 0,1\r\n" + OK + "\r\n+CGATT: 1\r\n" + OK +
      "\r\nERROR\r\n" + OK + OK + OK + '\r\n+SAPBR: 1,1,"IP"\r\n' + OK +
      OK + OK + OK + OK + OK + "\r\nDOWNLOAD\r\n" + OK + OK + `\r\n+HTTPACTION: 1,200,${reply.length}\r\n` +
      `\r\n+HTTPREAD: ${reply.length}\r\n${reply}\r\nOK\r\n` + OK + OK + "\r\nNORMAL POWER DOWN\r\n";
    expect(out.replace(/\+CSQ: \d+/, "+CSQ: RSSI").replace(/"10\.\d+\.\d+\.\d+"/, '"IP"')).toBe(expected);
    expect(counters).toMatchObject({ httpPosts: 1, httpRequests: 1, httpFailures: 0, bodyBytesSent: BODY.length, bodyBytesReceived: reply.length });
    expect(counters.airBytesSent).toBeGreaterThan(BODY.length + 200);
    expect(counters.airBytesReceived).toBeGreaterThan(reply.length + 100);
    expect(counters.commands).toBe(22); // the AT after power down is not heard
    // three signalling bursts (PDP context up and down, detach at power down) and the HTTP packets
    const signalling = 3;
    expect(counters.transmitMs).toBeCloseTo(counters.airBytesSent / 2 + signalling * 18.46, 6);
    expect(counters.txBursts).toBeGreaterThan(signalling + 6);
  });

  it("gives the same transcript for input fed whole, byte by byte and in random splits", async () => {
    const whole = await transcript((s) => [s]);
    expect(await transcript((s) => [...s])).toEqual(whole);
    for (let seed = 1; seed <= 5; seed++) expect(await transcript((s) => randomSplits(s, seed))).toEqual(whole);
  });
});

describe("Sim900Emulator sleep mode (AT+CSCLK)", () => {
  it("mode 1: asleep while DTR is high, the serial port not accessible; DTR low wakes it, its UART up 50 ms later", async () => {
    const r = rig({ startOn: true, delayScale: 0 });
    await r.send("ATE0\rAT+CSCLK=1\r");
    expect(r.take()).toBe(`ATE0\r${OK}${OK}`);
    r.modem.dtr(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(r.modem.state).toBe("asleep");
    await r.send("AT+CSQ\r");
    expect(r.take(), "not accessible").toBe("");
    await vi.advanceTimersByTimeAsync(60_000);
    r.modem.dtr(false);
    await r.send("AT\r", 10);
    expect(r.take(), "within 50 ms of DTR low").toBe("");
    await vi.advanceTimersByTimeAsync(100);
    await r.send("AT+CREG?\r");
    expect(r.take(), "still registered").toBe(`\r\n+CREG: 0,1\r\n${OK}`);
    expect(r.modem.counters.sleepMs).toBeGreaterThanOrEqual(60_000);
    expect(r.modem.counters.sleepMs).toBeLessThan(61_000);
    expect(r.states).toContain("asleep");
  });

  it("mode 2: asleep after 5 s of an idle UART; data wakes it and the first is lost", async () => {
    const r = rig({ startOn: true, delayScale: 0 });
    await r.send("ATE0\rAT+CSCLK=2\r");
    r.take();
    await vi.advanceTimersByTimeAsync(4000);
    expect(r.modem.state).not.toBe("asleep");
    await vi.advanceTimersByTimeAsync(1100);
    expect(r.modem.state).toBe("asleep");
    await r.send("AT\r");
    expect(r.take()).toBe("");
    expect(r.modem.state).not.toBe("asleep");
    await r.send("AT\r");
    expect(r.take()).toBe(OK);
    expect(r.modem.counters.sleepMs).toBeGreaterThan(0);
  });

  it("never sleeps in mode 0, the default, and forgets the mode at power down", async () => {
    const r = rig({ startOn: true, delayScale: 0 });
    r.modem.dtr(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(r.modem.state).not.toBe("asleep");
    await r.send("AT+CSCLK=1\r");
    expect(r.modem.state).toBe("asleep");
    r.modem.dtr(false);
    await vi.advanceTimersByTimeAsync(100);
    await r.send("AT+CPOWD=1\r");
    expect(r.modem.state).toBe("off");
    r.modem.powerKey(true);
    await vi.advanceTimersByTimeAsync(1500);
    r.modem.powerKey(false);
    await vi.advanceTimersByTimeAsync(5000);
    r.modem.dtr(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(r.modem.state).not.toBe("asleep");
    await r.send("AT+CSCLK?\r");
    expect(r.take()).toContain("+CSCLK: 0");
  });
});
