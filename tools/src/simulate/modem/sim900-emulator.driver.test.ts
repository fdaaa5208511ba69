import { BATCH_MEDIA_TYPE, encodeBatch, parseAck, type WireFix } from "@kayaktrack/firmware/wire";
import { isModemError, Sim900, type ModemError, type Sim900Options } from "@kayaktrack/firmware/modem";
import { uploadOutcome } from "@kayaktrack/firmware/uploader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaledClock } from "../scaled-clock.ts";
import { Sim900Emulator, type ModemState, type Sim900EmulatorOptions } from "./sim900-emulator.ts";
import { startTestIngest, type TestIngest } from "../test-ingest.ts";

// The firmware's own SIM900 driver against the emulator, wired in-process
// (each one's writes are the other's feed, as latin1 bytes), posting real
// batches to a real ingest server. Both run on one clock 20 times faster than
// the wall clock: an upload of some 15 modem seconds takes under one, and the
// driver's 1 s AT timeout is still 50 ms of real time on a loaded machine.

const SPEEDUP = 20;
const T0 = Math.floor(Date.now() / 1000) - 3600;

/** Fixes on Lake Bohinj, at the wire's resolution (1e-5 degree). */
function wireFixes(n: number, t0 = T0): WireFix[] {
  const deg = (x: number) => Math.round(x * 1e5) / 1e5;
  return Array.from({ length: n }, (_, i) => ({ time: t0 + i * 10, lat: deg(46.2833 + i * 1e-4), lon: deg(13.8667 - i * 1e-4), alt: 525, speed: 1.9, course: 315, hdop: 0.9, sats: 9 }));
}

/** A batch's bytes as the driver takes them: one char per byte. */
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

function session(ingest: TestIngest, modemOptions: Partial<Sim900EmulatorOptions> = {}, driverOptions: Partial<Sim900Options> = {}) {
  const clock = scaledClock(SPEEDUP);
  const states: ModemState[] = [];
  const wire = { toModem: 0, toHost: 0 };
  let driver: Sim900;
  const modem = new Sim900Emulator({
    io: {
      write: (data) => {
        wire.toHost += data.length;
        driver.feed(data.toString("latin1"));
      },
    },
    clock,
    onState: (s) => states.push(s),
    ...modemOptions,
  });
  driver = new Sim900({
    io: {
      write: (data) => {
        wire.toModem += data.length;
        modem.feed(Buffer.from(data, "latin1"));
      },
    },
    clock,
    powerKey: { write: (pressed) => modem.powerKey(pressed) },
    apn: "internet",
    url: ingest.batchesUrl,
    contentType: BATCH_MEDIA_TYPE,
    token: ingest.device.token,
    ...driverOptions,
  });
  const upload = (body: string) =>
    driver.upload(body).then(
      (reply) => ({ reply, error: undefined }),
      (error: unknown) => ({ reply: undefined, error: error as ModemError }),
    );
  return { modem, driver, states, wire, upload };
}

describe("the firmware's Sim900 driver with the emulated SIM900 and a real ingest server", () => {
  let ingest: TestIngest;
  beforeAll(async () => {
    ingest = await startTestIngest();
  });
  afterAll(async () => {
    await ingest?.remove();
  });

  it("uploads a batch: the fixes are in the database and the reply is the acknowledgement", async () => {
    const fixes = wireFixes(10);
    const bytes = encodeBatch({ device: ingest.device.id, seq: 7, batteryVolts: 4.03, counters: [0, 0, 10, 10, 0] }, fixes);
    expect(bytes.some((b) => b >= 0x80)).toBe(true); // binary, not text
    const s = session(ingest);
    const r = await s.upload(latin1(bytes));

    expect(r.error).toBeUndefined();
    expect(r.reply).toEqual({ status: 200, body: "A 7 10 0 0\n" });
    expect(uploadOutcome(r.reply!)).toBe("acknowledged");
    expect(parseAck(r.reply!.body)).toMatchObject({ seq: 7, stored: 10, duplicates: 0, rejected: 0 });
    const stored = ingest.fixes();
    expect(stored.map((f) => [f.time, f.lat, f.lon])).toEqual(fixes.map((f) => [f.time, f.lat, f.lon]));
    expect(ingest.batteryVolts()).toBe(4.03);

    expect(s.states).toEqual(["on", "registered", "bearer", "http", "bearer", "registered", "off"]);
    expect(s.driver.state).toBe("off");
    expect(s.driver.urcs).toMatchObject({ RDY: 1, "+CFUN": 1, "+CPIN": 1, "+HTTPACTION": 1, NORMAL: 1 });
    const c = s.modem.counters;
    expect(c).toMatchObject({ powerOns: 1, httpPosts: 1, httpFailures: 0, bodyBytesSent: bytes.length, bodyBytesReceived: 11, faults: 0 });
    expect(c.airBytesSent).toBeGreaterThan(bytes.length + 300);
    expect(c.poweredOnMs).toBeGreaterThan(8000); // power on, registration, attach, bearer, HTTP, power down
    expect(c.poweredOnMs).toBeLessThan(40_000);
    expect(s.wire.toModem).toBeGreaterThan(bytes.length);

    // The same batch again (its acknowledgement lost on the way): the same acknowledgement, nothing stored twice.
    const again = await session(ingest).upload(latin1(bytes));
    expect(again.reply?.body).toBe("A 7 10 0 0\n");
    expect(ingest.fixes()).toHaveLength(10);
  });

  it("gets through modem errors by retrying (a burst, then 5 %), and the database has each fix once", async () => {
    const fixes = wireFixes(20, T0 + 1000);
    const bytes = encodeBatch({ device: ingest.device.id, seq: 8, batteryVolts: 4.02, counters: [] }, fixes);
    const s = session(ingest, { faults: { errorRate: 0.5 }, seed: 20 });
    const kinds: string[] = [];
    let reply;
    for (let attempt = 0; attempt < 40 && !reply; attempt++) {
      const r = await s.upload(latin1(bytes));
      if (r.error) {
        expect(isModemError(r.error)).toBe(true);
        kinds.push(r.error.kind);
      } else reply = r.reply;
      expect(s.modem.state).toBe("off"); // the driver always powers down
      s.modem.setErrorRate(0.05);
    }
    expect(kinds.length).toBeGreaterThan(0);
    expect(reply?.status).toBe(200);
    expect(reply?.body).toBe("A 8 20 0 0\n");
    const stored = ingest.fixes().filter((f) => f.time >= T0 + 1000);
    expect(stored.map((f) => f.time)).toEqual(fixes.map((f) => f.time));
  });
});

describe("the driver's sleep mode between uploads (modemSleep), with the emulated SIM900 and a real ingest server", () => {
  let ingest: TestIngest;
  beforeAll(async () => {
    ingest = await startTestIngest();
  });
  afterAll(async () => {
    await ingest?.remove();
  });
  const body = (seq: number) => latin1(encodeBatch({ device: ingest.device.id, seq, batteryVolts: null, counters: [] }, wireFixes(3, T0 + 5000 + seq * 100)));

  for (const dtr of [true, false]) {
    it(`${dtr ? "mode 1 (DTR wired)" : "mode 2 (no DTR)"}: the first upload powers on and ends asleep, registered; the next wakes it and is quick`, async () => {
      const levels: boolean[] = [];
      let modem: Sim900Emulator | undefined;
      const s = session(ingest, {}, { sleep: true, ...(dtr && { dtr: { write: (high: boolean) => (levels.push(high), modem!.dtr(high)) } }) });
      modem = s.modem;
      const first = await s.upload(body(101));
      expect(first.error).toBeUndefined();
      expect(s.driver.state).toBe("asleep");
      // Mode 2 sleeps once the UART has been idle a while.
      await new Promise((resolve) => setTimeout(resolve, 6000 / SPEEDUP));
      expect(s.modem.state).toBe("asleep");
      const afterFirst = s.modem.counters.poweredOnMs;
      const second = await s.upload(body(102));
      expect(second.error).toBeUndefined();
      expect(parseAck(second.reply!.body)).toMatchObject({ seq: 102, stored: 3 });
      expect(s.modem.counters.powerOns).toBe(1);
      expect(s.modem.counters.sleepMs).toBeGreaterThan(0);
      // Registered and with its bearer open, the second session is a few seconds awake, not the first's dozen.
      const awakeSecond = s.modem.counters.poweredOnMs - afterFirst - s.modem.counters.sleepMs;
      expect(awakeSecond).toBeLessThan(afterFirst / 2);
      if (dtr) expect(levels).toEqual([true, false, true]);
      expect(ingest.fixes().filter((f) => f.time >= T0 + 5000)).toHaveLength(6);
    });
  }

  it("a module that died asleep (no answer to the wake-up) is powered on again, and the upload goes through", async () => {
    const s = session(ingest, {}, { sleep: true });
    expect((await s.upload(body(103))).error).toBeUndefined();
    s.modem.powerKey(true); // someone switches it off meanwhile
    await new Promise((resolve) => setTimeout(resolve, 1500 / SPEEDUP));
    s.modem.powerKey(false);
    expect(s.modem.state).toBe("off");
    const r = await s.upload(body(104));
    expect(r.error).toBeUndefined();
    expect(s.modem.counters.powerOns).toBe(2);
  });
});

describe("the driver's classified errors, from the emulator's faults", () => {
  let ingest: TestIngest;
  beforeAll(async () => {
    ingest = await startTestIngest();
  });
  afterAll(async () => {
    await ingest?.remove();
  });
  const body = () => latin1(encodeBatch({ device: ingest.device.id, seq: 1, batteryVolts: null, counters: [] }, wireFixes(3)));

  it("an error rate of 100 %: the modem never answers right, the driver says power and switches it off with PWRKEY", async () => {
    const s = session(ingest, { faults: { errorRate: 1 } });
    const r = await s.upload(body());
    expect(r.error?.name).toBe("ModemError");
    expect(r.error?.kind).toBe("power");
    expect(s.modem.state).toBe("off");
    expect(s.modem.counters.faults).toBeGreaterThanOrEqual(10);
    expect(ingest.fixes()).toEqual([]);
  });

  it("no coverage: no-network after the registration timeout", async () => {
    const s = session(ingest, { faults: { coverage: false } }, { registerTimeoutS: 10 });
    const r = await s.upload(body());
    expect(r.error?.kind).toBe("no-network");
    expect(r.error?.message).toMatch(/stat 2, rssi 99/);
    expect(s.modem.state).toBe("off");
    expect(s.modem.counters.httpPosts).toBe(0);
  });

  it("coverage lost in the middle of a session: the bearer drops, the POST fails with 601, a network error", async () => {
    let modem: Sim900Emulator | undefined;
    const s = session(ingest, { onState: (state) => state === "http" && modem!.setCoverage(false) });
    modem = s.modem;
    const r = await s.upload(body());
    expect(r.error?.kind).toBe("network");
    expect(s.driver.urcs["+SAPBR"]).toBe(1); // +SAPBR 1: DEACT
    expect(s.modem.counters).toMatchObject({ httpPosts: 0, httpFailures: 1 });
    expect(ingest.fixes()).toEqual([]);
  });

  it("the server down: the module's 601 is a network error; a name that does not resolve is 603, a DNS error", async () => {
    const down = await startTestIngest();
    await down.remove();
    const s = session(down);
    const r = await s.upload(body());
    expect(r.error?.kind).toBe("network");
    expect(r.error?.message).toMatch(/601/);
    expect(s.modem.counters).toMatchObject({ httpPosts: 1, httpFailures: 1, bodyBytesReceived: 0 });

    const dns = await session(ingest, {}, { url: "http://kayak-ingest.invalid/api/v1/batches" }).upload(body());
    expect(dns.error?.kind).toBe("dns");
    expect(ingest.fixes()).toEqual([]);
  });
});
