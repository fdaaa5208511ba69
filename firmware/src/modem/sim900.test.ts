import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { randomSplits } from "../testing/corpus.ts";
import { SimClock } from "../hal/sim-clock.ts";
import { TestSerial } from "../testing/test-hardware.ts";
import { uploadOutcome } from "../uplink/uploader.ts";
import { Sim900, type ModemError, type Sim900Options, type Sim900State } from "./sim900.ts";

/**
 * A scripted SIM900: each step is the command the driver must send and the
 * modem's answer. The answers follow the SIM900 AT Commands Set and IP
 * Application Note examples (CR LF framing, final result codes, URCs).
 */
interface Step {
  send: string;
  /** answer right away */
  reply?: string;
  /** answer after this many ms (the network's time) */
  later?: { ms: number; text: string };
}

const OK = "\r\nOK\r\n";
const BODY = "\x01\x03\xac\x02W\x00\x01\x02\x05\x5c"; // a batch's bytes, as the driver writes them
const ACK = "A 300 3 0 0\n";

const powerOnToBearer = (): Step[] => [
  { send: "AT\r" }, // off: no answer, so the driver presses PWRKEY
  { send: "AT\r", reply: "AT\r\r\nOK\r\n" },
  { send: "ATE0\r", reply: "ATE0\r" + OK },
  { send: "AT+CMEE=1\r", reply: OK },
  { send: "AT+CPIN?\r", reply: "\r\n+CPIN: READY\r\n" + OK },
  { send: "AT+CSQ\r", reply: "\r\n+CSQ: 18,0\r\n" + OK },
  { send: "AT+CREG?\r", reply: "\r\n+CREG: 0,1\r\n" + OK },
  { send: "AT+CGATT?\r", reply: "\r\n+CGATT: 1\r\n" + OK },
  { send: 'AT+SAPBR=3,1,"CONTYPE","GPRS"\r', reply: OK },
  { send: 'AT+SAPBR=3,1,"APN","internet"\r', reply: OK },
  { send: "AT+SAPBR=1,1\r", reply: OK },
  { send: "AT+SAPBR=2,1\r", reply: '\r\n+SAPBR: 1,1,"10.89.193.1"\r\n' + OK },
];
const httpUntilAction = (): Step[] => [
  { send: "AT+HTTPINIT\r", reply: OK },
  { send: 'AT+HTTPPARA="CID",1\r', reply: OK },
  { send: 'AT+HTTPPARA="URL","http://kayak.example:8080/api/v1/batches"\r', reply: OK },
  { send: 'AT+HTTPPARA="CONTENT","application/vnd.kayaktrack.batch"\r', reply: OK },
  { send: 'AT+HTTPPARA="USERDATA","Authorization: Bearer tok"\r', reply: OK },
  { send: `AT+HTTPDATA=${BODY.length},10000\r`, reply: "\r\nDOWNLOAD\r\n" },
  { send: BODY, reply: OK },
];
const shutdown = (): Step[] => [
  { send: "AT+HTTPTERM\r", reply: OK },
  { send: "AT+SAPBR=0,1\r", reply: OK },
  { send: "AT+CPOWD=1\r", reply: "\r\nNORMAL POWER DOWN\r\n" },
];
const normalUpload = (): Step[] => [
  ...powerOnToBearer(),
  ...httpUntilAction(),
  { send: "AT+HTTPACTION=1\r", reply: OK, later: { ms: 3000, text: "\r\n+HTTPACTION: 1,200,12\r\n" } },
  { send: "AT+HTTPREAD\r", reply: `\r\n+HTTPREAD: 12\r\n${ACK}\r\n` + OK },
  ...shutdown(),
];

/** Runs one upload against a script; `split` decides how each answer is cut into serial chunks. */
async function run(script: Step[], split: (s: string) => string[], options: Partial<Pick<Sim900Options, "registerTimeoutS" | "clock" | "user" | "password" | "probeS" | "status" | "sleep" | "dtr">> = {}, uploads = 1) {
  const steps = script.slice();
  const written: string[] = [];
  const states: Sim900State[] = [];
  const presses: boolean[] = [];
  const deliver = (text: string, ms: number) => setTimeout(() => split(text).forEach((c) => modem.feed(c)), ms);
  const modem: Sim900 = new Sim900({
    io: {
      write(data) {
        written.push(data);
        const step = steps[0];
        if (!step || step.send !== data) return; // not scripted: the modem stays silent
        steps.shift();
        if (step.reply !== undefined) deliver(step.reply, 20);
        if (step.later) deliver(step.later.text, step.later.ms);
      },
    },
    clock: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    powerKey: { write: (v) => presses.push(v) },
    apn: "internet",
    url: "http://kayak.example:8080/api/v1/batches",
    contentType: "application/vnd.kayaktrack.batch",
    token: "tok",
    onState: (s) => states.push(s),
    // One AT before PWRKEY: a scripted modem that is off stays silent only once (the probe has tests of its own).
    probeS: 1,
    ...options,
  });
  let result!: Promise<{ reply: Awaited<ReturnType<Sim900["upload"]>> | undefined; error: ModemError | undefined }>;
  for (let i = 0; i < uploads; i++) {
    result = modem.upload(BODY).then(
      (reply) => ({ reply, error: undefined }),
      (error: unknown) => ({ reply: undefined, error: error as ModemError }),
    );
    await vi.runAllTimersAsync();
  }
  return { ...(await result), written, states, presses, left: steps, modem };
}

const whole = (s: string) => [s];
const byteByByte = (s: string) => [...s];
let splitSeed = 42;
const randomChunks = (s: string) => randomSplits(s, splitSeed++, 9);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe.each([
  ["whole", whole],
  ["byte by byte", byteByByte],
  ["in random splits", randomChunks],
])("Sim900 session, answers fed %s", (_, split) => {
  it("uploads: power on, registration, bearer, POST, the acknowledgement, power down", async () => {
    const r = await run(normalUpload(), split);
    expect(r.error).toBeUndefined();
    expect(r.reply).toEqual({ status: 200, body: ACK });
    expect(r.left).toEqual([]);
    expect(r.written).toContain(BODY);
    expect(r.presses).toEqual([true, false]); // one PWRKEY press to switch on; AT+CPOWD switched it off
    expect(r.states).toEqual(["powering-on", "checking-sim", "registering", "attaching", "opening-bearer", "sending", "closing", "powering-off", "off"]);
    expect(r.modem.rssi).toBe(18);
  });

  it("with sleep, ends a good session asleep (AT+CSCLK=1, DTR high) and starts the next by waking it (DTR low): no PWRKEY, the bearer kept", async () => {
    const dtr: boolean[] = [];
    const asleep = (): Step[] => [
      { send: "AT+HTTPTERM\r", reply: OK },
      // SIM900 AT Commands Manual V1.11 §6.2.23: 1, slow clock controlled by DTR; Hardware Design V1.05 §3.5.2: DTR high sleeps.
      { send: "AT+CSCLK=1\r", reply: OK },
    ];
    const action = (): Step[] => [
      { send: "AT+HTTPACTION=1\r", reply: OK, later: { ms: 3000, text: "\r\n+HTTPACTION: 1,200,12\r\n" } },
      { send: "AT+HTTPREAD\r", reply: `\r\n+HTTPREAD: 12\r\n${ACK}\r\n` + OK },
    ];
    const awake = powerOnToBearer().slice(1);
    // The bearer is open still: opening it again is ERROR, and its status says it is up (IP Application Note 2.1).
    awake[awake.findIndex((s) => s.send === "AT+SAPBR=1,1\r")]!.reply = "\r\nERROR\r\n";
    const script = [...powerOnToBearer(), ...httpUntilAction(), ...action(), ...asleep(), ...awake, ...httpUntilAction(), ...action(), ...asleep()];
    const r = await run(script, split, { sleep: true, dtr: { write: (high) => dtr.push(high) } }, 2);
    expect(r.error?.message).toBeUndefined();
    expect(r.reply).toEqual({ status: 200, body: ACK });
    expect(r.left).toEqual([]);
    expect(r.presses).toEqual([true, false]); // the first power-on only
    expect(dtr).toEqual([true, false, true]);
    expect(r.modem.state).toBe("asleep");
    expect(r.written).not.toContain("AT+CPOWD=1\r");
  });

  it("does not press PWRKEY when the modem is on already (the board restarted, the shield did not)", async () => {
    const r = await run(normalUpload().slice(1), split);
    expect(r.reply).toEqual({ status: 200, body: ACK });
    expect(r.presses).toEqual([]); // a press would have switched it off
    expect(r.left).toEqual([]);
  });

  it("handles unsolicited lines wherever they arrive", async () => {
    const script = normalUpload();
    script[1]!.reply = "\r\nRDY\r\n\r\n+CFUN: 1\r\n" + script[1]!.reply;
    script[5]!.reply = "\r\nCall Ready\r\n\r\n+CSQ: 18,0\r\n\r\nUNDER-VOLTAGE WARNNING\r\n" + OK;
    script[6]!.reply = "\r\n+CREG: 1\r\n\r\n+CREG: 0,5\r\n" + OK; // an unsolicited +CREG before the answer; roaming is fine
    const r = await run(script, split);
    expect(r.error?.message).toBeUndefined();
    expect(r.reply).toEqual({ status: 200, body: ACK });
    expect(r.modem.urcs).toMatchObject({ RDY: 1, "+CFUN": 1, Call: 1, "UNDER-VOLTAGE": 1, "+HTTPACTION": 1, NORMAL: 1 });
  });

  it("reports HTTP 500 as a reply to retry, and still closes and powers down", async () => {
    const script = normalUpload();
    script.splice(-5, 2, { send: "AT+HTTPACTION=1\r", reply: OK, later: { ms: 2000, text: "\r\n+HTTPACTION: 1,500,21\r\n" } },
      { send: "AT+HTTPREAD\r", reply: '\r\n+HTTPREAD: 21\r\n{"error":"internal"}\n\r\n' + OK });
    const r = await run(script, split);
    expect(r.reply?.status).toBe(500);
    expect(uploadOutcome(r.reply!)).toBe("retry");
    expect(r.left).toEqual([]);
  });

  it("gives up registering with a no-network error and powers down", async () => {
    const script = powerOnToBearer().slice(0, 6);
    for (let i = 0; i < 4; i++) script.push({ send: "AT+CREG?\r", reply: "\r\n+CREG: 0,2\r\n" + OK });
    script.push({ send: "AT+HTTPTERM\r", reply: "\r\nERROR\r\n" }, { send: "AT+SAPBR=0,1\r", reply: "\r\nERROR\r\n" }, shutdown()[2]!);
    const r = await run(script, split, { registerTimeoutS: 6 });
    expect(r.error?.name).toBe("ModemError");
    expect(r.error?.kind).toBe("no-network");
    expect(r.states.slice(-1)).toEqual(["off"]);
    expect(r.left).toEqual([]);
  });

  it("classifies a timeout in the middle of HTTPDATA, closes up and presses PWRKEY when CPOWD gets no answer", async () => {
    const script = [...powerOnToBearer(), ...httpUntilAction()];
    script[script.length - 1] = { send: BODY }; // the modem takes the bytes but never says OK
    const r = await run(script, split);
    expect(r.error?.kind).toBe("timeout");
    expect(r.error?.message).toMatch(/AT\+HTTPDATA/);
    expect(r.presses).toEqual([true, false, true, false]);
    expect(r.states.slice(-1)).toEqual(["off"]);
  });

  it("does not press PWRKEY at shutdown when the modem switched itself off (UNDER-VOLTAGE POWER DOWN)", async () => {
    // The supply sagged in a transmit burst: the modem says so and goes silent. A press would switch it back on.
    const script: Step[] = [
      ...powerOnToBearer(),
      { send: "AT+HTTPINIT\r", reply: "\r\nUNDER-VOLTAGE POWER DOWN\r\n" },
      { send: "AT+HTTPTERM\r" },
      { send: "AT+SAPBR=0,1\r" },
      { send: "AT+CPOWD=1\r" },
    ];
    const r = await run(script, split);
    expect(r.error?.kind).toBe("timeout");
    expect(r.presses).toEqual([true, false]); // only the press that switched it on
    expect(r.modem.urcs["UNDER-VOLTAGE"]).toBe(1);
    expect(r.states.slice(-1)).toEqual(["off"]);
    expect(r.left).toEqual([]);
  });

  it("says no-sim for +CME ERROR: 10, and power when the modem never answers", async () => {
    const noSim = [...powerOnToBearer().slice(0, 4), { send: "AT+CPIN?\r", reply: "\r\n+CME ERROR: 10\r\n" }];
    expect((await run(noSim, split)).error?.kind).toBe("no-sim");
    const dead = await run([], split);
    expect(dead.error?.kind).toBe("power");
  });

  it("fails cleanly when AT+HTTPACTION itself keeps failing: no +HTTPACTION waiter outlives the session", async () => {
    const script = [...powerOnToBearer(), ...httpUntilAction()];
    for (let i = 0; i < 4; i++) script.push({ send: "AT+HTTPACTION=1\r", reply: "\r\nERROR\r\n" });
    script.push(...shutdown());
    // Before the fix, the waiter rejected 60 s later with no one listening (it crashed the runner on Node).
    const r = await run(script, split);
    expect(r.error?.message).toMatch(/AT\+HTTPACTION=1/);
    expect(r.left).toEqual([]);
    expect(r.states.slice(-1)).toEqual(["off"]);
  });

  it("survives the +HTTPACTION wait running out while AT+HTTPACTION=1 is still being retried", async () => {
    // The simulator's sped-up clock keeps every timer at least 250 ms long (nodeClock): 60 s
    // becomes 0.5 s, shorter than four silent tries of the command.
    const spedUp = (ms: number) => Math.max(ms / 120, Math.min(ms, 250));
    const clock = { setTimeout: (fn: () => void, ms: number) => setTimeout(fn, spedUp(ms)), clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>) };
    const script = [...powerOnToBearer(), ...httpUntilAction()];
    for (let i = 0; i < 4; i++) script.push({ send: "AT+HTTPACTION=1\r" }); // silence
    script.push(...shutdown());
    const r = await run(script, split, { clock });
    expect(r.error?.kind).toBe("timeout");
    expect(r.left).toEqual([]);
    expect(r.states.slice(-1)).toEqual(["off"]);
  });

  it("says no-gprs when the GPRS attach fails", async () => {
    const script = powerOnToBearer().slice(0, 7);
    script.push({ send: "AT+CGATT?\r", reply: "\r\n+CGATT: 0\r\n" + OK }, { send: "AT+CGATT=1\r", reply: "\r\nERROR\r\n" });
    script.push({ send: "AT+HTTPTERM\r", reply: "\r\nERROR\r\n" }, { send: "AT+SAPBR=0,1\r", reply: "\r\nERROR\r\n" }, shutdown()[2]!);
    const r = await run(script, split);
    expect(r.error?.kind).toBe("no-gprs");
    expect(r.error?.message).toMatch(/GPRS attach failed/);
    expect(r.states.slice(-1)).toEqual(["off"]);
    expect(r.left).toEqual([]);
  });

  it("gives the APN's user and password (AT+SAPBR=3), and says no-gprs when the bearer never opens", async () => {
    const script = powerOnToBearer().slice(0, 10);
    script.push({ send: 'AT+SAPBR=3,1,"USER","paddler"\r', reply: OK }, { send: 'AT+SAPBR=3,1,"PWD","secret"\r', reply: OK });
    // Three tries: each opening refused, and the query shows the bearer closed (status 3).
    for (let i = 0; i < 3; i++) script.push({ send: "AT+SAPBR=1,1\r", reply: "\r\nERROR\r\n" }, { send: "AT+SAPBR=2,1\r", reply: '\r\n+SAPBR: 1,3,"0.0.0.0"\r\n' + OK });
    script.push({ send: "AT+HTTPTERM\r", reply: "\r\nERROR\r\n" }, { send: "AT+SAPBR=0,1\r", reply: "\r\nERROR\r\n" }, shutdown()[2]!);
    const r = await run(script, split, { user: "paddler", password: "secret" });
    expect(r.error?.kind).toBe("no-gprs");
    expect(r.error?.message).toMatch(/no GPRS bearer/);
    expect(r.left).toEqual([]);
  });

  it("finds answers by content: unsolicited lines of real modules inside +CPIN, +CSQ, +CREG, +CGATT and +SAPBR answers", async () => {
    // As real SIM800/SIM900 modules print them (testdata/): the boot lines inside AT+CPIN? with +CPIN: READY twice,
    // network time inside AT+CSQ, an SMS arriving, a registration URC, an echo ending in CR CR LF.
    const script = normalUpload();
    const at = (command: string) => script.find((s) => s.send === command + "\r")!;
    at("AT+CPIN?").reply = "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n+CPIN: READY\r\n" + OK;
    at("AT+CSQ").reply = '\r\n*PSUTTZ: 2020,12,9,12,57,4,"+12",0\r\n\r\nDST: 0\r\n\r\n+CSQ: 21,0\r\n\r\n+CMTI: "SM",1\r\n' + OK;
    at("AT+CREG?").reply = '\r\nCall Ready\r\n\r\n+CGREG: 1\r\n\r\n+CIEV: 10,"25001","MTS RUS","MTS RUS", 0, 0\r\n\r\n+CREG: 0,1\r\n' + OK;
    at("AT+CGATT?").reply = "\r\nSMS Ready\r\n\r\n+CGATT: 1\r\n" + OK;
    at("AT+SAPBR=2,1").reply = '\r\n+CTZV: 8,0\r\n\r\n+SAPBR: 1,1,"10.89.193.1"\r\n' + OK;
    const r = await run(script, split);
    expect(r.error?.message).toBeUndefined();
    expect(r.reply).toEqual({ status: 200, body: ACK });
    expect(r.modem.rssi).toBe(21);
    expect(r.modem.urcs).toMatchObject({ RDY: 1, "+CFUN": 1, "*PSUTTZ": 1, DST: 1, "+CMTI": 1, Call: 1, "+CGREG": 1, "+CIEV": 1, SMS: 1, "+CTZV": 1 });
  });

  it("says no-sim for a missing SIM in all three forms: +CME ERROR 10, its words (CMEE=2), and a bare ERROR that stays", async () => {
    const upTo = powerOnToBearer().slice(0, 4);
    const verbose = await run([...upTo, { send: "AT+CPIN?\r", reply: "\r\n+CME ERROR: SIM not inserted\r\n" }], split);
    expect(verbose.error?.kind).toBe("no-sim");
    expect(verbose.written.filter((w) => w === "AT+CPIN?\r")).toHaveLength(1); // not worth asking again
    const bare = [...upTo];
    for (let i = 0; i < 8; i++) bare.push({ send: "AT+CPIN?\r", reply: "\r\nERROR\r\n" });
    const b = await run(bare, split);
    expect(b.error?.kind).toBe("no-sim");
    expect(b.error?.message).toMatch(/SIM not ready/);
    const locked = await run([...upTo, { send: "AT+CPIN?\r", reply: "\r\n+CPIN: SIM PIN\r\n" + OK }], split);
    expect(locked.error?.kind).toBe("no-sim");
    expect(locked.error?.message).toMatch(/SIM PIN/);
    // Attached without a SIM: the module says so to AT+CGATT too (a real SIM800L's answer).
    const attach = [...powerOnToBearer().slice(0, 7), { send: "AT+CGATT?\r", reply: "\r\n+CME ERROR: SIM not inserted\r\n" }];
    expect((await run(attach, split)).error?.kind).toBe("no-sim");
  });

  it("waits for a SIM still being read after power-on: +CPIN: NOT READY, a bare ERROR, SIM busy, then READY", async () => {
    const script = normalUpload();
    const i = script.findIndex((s) => s.send === "AT+CPIN?\r");
    script.splice(i, 0,
      { send: "AT+CPIN?\r", reply: "\r\n+CPIN: NOT READY\r\n" + OK },
      { send: "AT+CPIN?\r", reply: "\r\nERROR\r\n" },
      { send: "AT+CPIN?\r", reply: "\r\n+CME ERROR: 14\r\n" });
    const r = await run(script, split);
    expect(r.error?.message).toBeUndefined();
    expect(r.reply).toEqual({ status: 200, body: ACK });
    expect(r.left).toEqual([]);
  });

  it("maps the module's 60x statuses: 603 is DNS", async () => {
    const script = normalUpload();
    script.splice(-5, 2, { send: "AT+HTTPACTION=1\r", reply: OK, later: { ms: 1000, text: "\r\n+HTTPACTION: 1,603,0\r\n" } });
    const r = await run(script, split);
    expect(r.error?.kind).toBe("dns");
  });
});


describe("Sim900 power-on", () => {
  // A module that is on but silent for ~5 s after a reset (as a real SIM800L was: testdata/) must not be
  // switched off by the press meant to switch it on: PWRKEY toggles.
  const silentThenOn = (silent: number): Step[] => [...Array.from({ length: silent }, () => ({ send: "AT\r" })), ...normalUpload().slice(1)];

  it("probes AT for about 6 s before pressing PWRKEY, so a booting module stays on", async () => {
    const r = await run(silentThenOn(3), whole, { probeS: 6 });
    expect(r.error?.message).toBeUndefined();
    expect(r.presses).toEqual([]);
    expect(r.left).toEqual([]);
  });

  it("presses once when the module stays silent through the probe (it is off)", async () => {
    const r = await run([...Array.from({ length: 4 }, () => ({ send: "AT\r" })), ...normalUpload().slice(1)], whole, { probeS: 6 });
    expect(r.error?.message).toBeUndefined();
    expect(r.presses).toEqual([true, false]);
  });

  it("trusts the STATUS pin where it is wired: high is on (no press, however long it is silent), low is off", async () => {
    const on = await run(silentThenOn(8), whole, { status: { read: () => true } });
    expect(on.error?.message).toBeUndefined();
    expect(on.presses).toEqual([]);
    const off = await run(normalUpload().slice(1), whole, { status: { read: () => false } });
    expect(off.presses).toEqual([true, false]);
    expect(off.written[0]).toBe("AT\r"); // pressed first, then asked
  });
});

describe("Sim900 and its port (issue 23)", () => {
  it("reads the port it is handed and closes it, once", () => {
    const port = new TestSerial();
    const modem = new Sim900({ io: port, clock: new SimClock(), powerKey: { write() {} }, apn: "internet", url: "http://x/api/v1/batches", contentType: "text/plain", token: "t" });
    port.receive("\r\nRDY\r\n");
    expect(modem.urcs.RDY).toBe(1);
    modem.close();
    modem.close();
    expect(port.closed).toBe(true);
  });
});
