import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fixesFromNmea } from "@kayaktrack/firmware/fix-reader";
import { SerialPort } from "serialport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ByteCorruptor } from "../serial/byte-corruptor.ts";
import type { ByteSink } from "../serial/byte-sink.ts";
import { GpsFeed, type FeedClock, type SentEpoch } from "./gps-feed.ts";
import { gpsEpochs, type GpsEpoch } from "./gps-receiver.ts";
import { NEO6M_BANNER, neo6mSentences, nmeaText } from "./neo6m-sentences.ts";
import { openPtyPair, type PtyPair } from "../serial/pty-pair.ts";
import { SerialPortSink } from "../serial/serial-port-sink.ts";
import { lakeLoop } from "../world/synthetic-routes.ts";

const route = lakeLoop({ seed: 1 });
const epochs = (duration: number, coldStart = 5) => [...gpsEpochs(route, { seed: 1, duration, coldStart })];
const wire = (es: GpsEpoch[], banner = true) => (banner ? nmeaText(NEO6M_BANNER) : "") + nmeaText(es.flatMap(neo6mSentences));

/** A clock whose sleeps pass at once, and a sink that notes when each chunk came. */
function virtualLine() {
  let now = 0;
  const clock: FeedClock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const chunks: Array<{ at: number; text: string }> = [];
  let closed = 0;
  const io: ByteSink = {
    write: async (b) => void chunks.push({ at: now, text: Buffer.from(b).toString("latin1") }),
    close: async () => void closed++,
  };
  return { clock, io, chunks, closed: () => closed };
}

describe("GpsFeed pacing", () => {
  it("keeps time while no one listens, writing nothing and counting what was lost", async () => {
    const es = epochs(10);
    const line = virtualLine();
    const feed = new GpsFeed({ io: line.io, epochs: es, clock: line.clock, onEpoch: (s) => {
      // The board loses power after epoch 3 and is back after epoch 6.
      if (s.epoch === es[3]) feed.setListening(false);
      if (s.epoch === es[6]) feed.setListening(true);
    } });
    const stats = await feed.run();
    const heard = wire(es.slice(0, 4)) + wire(es.slice(7), false);
    expect(line.chunks.map((c) => c.text).join("")).toBe(heard);
    expect(stats).toMatchObject({ epochs: 11, bytes: wire(es).length, unheardBytes: wire(es).length - heard.length });
    // The first epoch heard again comes on its own second.
    const back = line.chunks.find((c) => c.text.startsWith("$GP") && c.at >= 7000)!;
    expect(back.at).toBeCloseTo(7000 + (10 / 960) * 1000, 6);
  });

  it("at real time: each epoch starts on its second and leaves at 960 bytes a second, in 10-byte chunks", async () => {
    const es = epochs(10);
    const line = virtualLine();
    const sent: SentEpoch[] = [];
    const stats = await new GpsFeed({ io: line.io, epochs: es, clock: line.clock, onEpoch: (s) => sent.push(s) }).run();
    expect(line.chunks.map((c) => c.text).join("")).toBe(wire(es));
    expect(line.chunks.every((c) => c.text.length <= 10)).toBe(true);
    expect(stats).toMatchObject({ epochs: 11, fixes: 6, bytes: wire(es).length, corruptedBytes: 0 });
    expect(sent.map((s) => s.epoch)).toEqual(es);
    // Epoch 8 (with a fix) begins at 8 s: its first chunk lands when its 10th byte would have, 10/960 s later.
    const start8 = wire(es.slice(0, 8)).length;
    let offset = 0;
    const at = line.chunks.find((c) => (offset += c.text.length) > start8)!;
    expect(at.text).toBe(wire(es.slice(8, 9), false).slice(0, 10));
    expect(at.at).toBeCloseTo(8000 + (10 / 960) * 1000, 6);
    // and its last byte a full epoch's line time after: over half a second
    const epochBytes = sent[8]!.bytes;
    expect(epochBytes).toBeGreaterThan(480);
    offset = 0;
    const end = line.chunks.find((c) => (offset += c.text.length) >= start8 + epochBytes)!;
    expect(end.at).toBeCloseTo(8000 + (epochBytes / 960) * 1000, 6);
  });

  it("at a high speed-up: each epoch is one chunk at its time / S", async () => {
    const es = epochs(20);
    const line = virtualLine();
    await new GpsFeed({ io: line.io, epochs: es, clock: line.clock, speedup: 100, banner: false }).run();
    expect(line.chunks).toHaveLength(21);
    line.chunks.forEach((c, k) => {
      expect(c.text).toBe(wire([es[k]!], false));
      expect(c.at).toBeCloseTo(k * 10 + (c.text.length / 96_000) * 1000, 6);
    });
  });

  it("makes the next epoch wait when an epoch outlasts it on the line", async () => {
    const fast = [...gpsEpochs(route, { rate: 5, duration: 2, coldStart: 0 })];
    const line = virtualLine();
    await new GpsFeed({ io: line.io, epochs: fast, clock: line.clock, banner: false }).run();
    const total = wire(fast, false).length;
    expect(line.chunks[line.chunks.length - 1]!.at).toBeCloseTo((total / 960) * 1000, 6);
    expect((total / 960) * 1000).toBeGreaterThan(2000);
  });

  it("corrupts the bytes as a ByteCorruptor with its seed does, and counts them", async () => {
    const es = epochs(30);
    const line = virtualLine();
    const stats = await new GpsFeed({ io: line.io, epochs: es, clock: line.clock, corruption: { rate: 0.01, seed: 4 } }).run();
    const expected = new ByteCorruptor(0.01, 4).corrupt(Buffer.from(wire(es), "latin1"));
    expect(line.chunks.map((c) => c.text).join("")).toBe(Buffer.from(expected.bytes).toString("latin1"));
    expect(stats.corruptedBytes).toBe(expected.changed.length);
    expect(stats.corruptedBytes).toBeGreaterThan(50);
  });

  it("stops on request, closes once, and refuses a second run or bad options", async () => {
    const line = virtualLine();
    const feed = new GpsFeed({ io: line.io, epochs: epochs(100), clock: line.clock, onEpoch: (s) => s.epoch.time >= route.start + 10 && feed.stop() });
    const stats = await feed.run();
    expect(stats.epochs).toBeLessThan(13);
    await Promise.all([feed.close(), feed.close()]);
    await feed.close();
    expect(line.closed()).toBe(1);
    await expect(feed.run()).rejects.toThrow(/already run/);
    expect(() => new GpsFeed({ io: line.io, epochs: [], speedup: 0 })).toThrow(/speed-up 0/);
  });
});

/** Reads everything arriving at `path` until `bytes` have come. */
async function reader(path: string) {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const parts: Buffer[] = [];
  let length = 0;
  let waiting: { n: number; resolve: () => void } | undefined;
  port.on("data", (d: Buffer) => {
    parts.push(d);
    length += d.length;
    if (waiting && length >= waiting.n) waiting.resolve();
  });
  return {
    until: (n: number) => (length >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiting = { n, resolve }))),
    text: () => Buffer.concat(parts).toString("latin1"),
    close: () => new Promise<void>((resolve) => port.close(() => resolve())),
  };
}

describe("GpsFeed on a real pseudo-terminal", () => {
  let pty: PtyPair;
  let pair: { a: string; b: string };
  beforeAll(async () => {
    pty = await openPtyPair();
    pair = { a: pty.paths[0], b: pty.paths[1] };
  });
  afterAll(async () => {
    await pty?.close();
  });

  it("gets the NMEA to a reader at the other end, on time, and the firmware reads the reported fixes from it", async () => {
    const es = epochs(40);
    const expected = wire(es);
    const read = await reader(pair.b);
    const sink = await SerialPortSink.open(pair.a);
    const feed = new GpsFeed({ io: sink, epochs: es, speedup: 20 });
    const t0 = performance.now();
    await feed.run();
    const elapsed = performance.now() - t0;
    await read.until(expected.length);
    await feed.close();
    await read.close();
    expect(read.text()).toBe(expected);
    // 40 s of epochs at 20×: 2 s, plus the last epoch's line time
    expect(elapsed).toBeGreaterThan(1950);
    expect(elapsed).toBeLessThan(3500);
    const fixes = fixesFromNmea(read.text());
    const reported = es.filter((e) => e.fix);
    expect(fixes).toHaveLength(reported.length);
    fixes.forEach((f, i) => {
      expect(f.time).toBeCloseTo(reported[i]!.time, 6);
      expect(Math.abs(f.lat - reported[i]!.fix!.lat)).toBeLessThan(1e-9);
      expect(Math.abs(f.lon - reported[i]!.fix!.lon)).toBeLessThan(1e-9);
    });
  });

  it("is read by gpsd (read-only), whose fixes are the ones the feed reported", async () => {
    // Debian's gpsd and gpspipe (gpsd, gpsd-clients; tools/bin/setup-machine.js installs them).
    const es = epochs(30, 0);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const gpsd = spawn("gpsd", ["-N", "-n", "-b", "-S", String(port), "-F", join(tmpdir(), `kt-gpsd-${port}.sock`), pair.b], { stdio: "ignore" });
    let pipe: ChildProcess | undefined;
    try {
      await listening(port);
      pipe = spawn("gpspipe", ["-w", `127.0.0.1:${port}`], { stdio: ["ignore", "pipe", "ignore"] });
      let json = "";
      pipe.stdout!.on("data", (d) => (json += d));
      while (!json.includes('"class":"WATCH"')) await sleep(50);
      const feed = new GpsFeed({ io: await SerialPortSink.open(pair.a), epochs: es, speedup: 5 });
      await feed.run();
      await sleep(500);
      await feed.close();
      const tpvs = json.split("\n").filter((l) => l.includes('"class":"TPV"')).map((l) => JSON.parse(l) as { mode: number; time?: string; lat?: number; lon?: number; speed?: number; track?: number; altMSL?: number });
      const fixes = tpvs.filter((t) => t.mode >= 2 && t.time);
      expect(fixes.length).toBeGreaterThan(20);
      const byTime = new Map(es.map((e) => [Math.round(e.time * 100), e.fix]));
      for (const t of fixes) {
        const f = byTime.get(Math.round(Date.parse(t.time!) / 10));
        expect(f, t.time).toBeDefined();
        expect(Math.abs(t.lat! - f!.lat), t.time).toBeLessThan(1e-6);
        expect(Math.abs(t.lon! - f!.lon), t.time).toBeLessThan(1e-6);
        // What gpsd has of the rest: its first report of an epoch may come before the GGA.
        if (t.speed !== undefined) expect(Math.abs(t.speed - f!.speed), t.time).toBeLessThan(0.005);
        if (t.altMSL !== undefined) expect(Math.abs(t.altMSL - f!.alt), t.time).toBeLessThan(0.051);
        if (t.track !== undefined && f!.course !== undefined) expect(Math.abs(t.track - f!.course), t.time).toBeLessThan(0.0051);
      }
      expect(fixes.filter((t) => t.mode === 3 && t.altMSL !== undefined && t.speed !== undefined).length).toBeGreaterThan(20);
    } finally {
      pipe?.kill();
      gpsd.kill();
    }
  });

  it("sends corrupted bytes through the pty as they were corrupted", async () => {
    const es = epochs(60);
    const expected = Buffer.from(new ByteCorruptor(0.01, 9).corrupt(Buffer.from(wire(es), "latin1")).bytes).toString("latin1");
    const read = await reader(pair.b);
    const sink = await SerialPortSink.open(pair.a);
    const feed = new GpsFeed({ io: sink, epochs: es, speedup: 200, corruption: { rate: 0.01, seed: 9 } });
    await feed.run();
    await read.until(expected.length);
    await feed.close();
    await read.close();
    expect(read.text()).toBe(expected);
  });

  it("names the device it cannot open, and refuses writes once closed", async () => {
    await expect(SerialPortSink.open("/dev/no-such-tty")).rejects.toThrow(/cannot open serial port \/dev\/no-such-tty/);
    const sink = await SerialPortSink.open(pair.a);
    await sink.close();
    await sink.close();
    await expect(sink.write(new Uint8Array([36]))).rejects.toThrow(/is closed/);
  });
});

/** Resolves once something listens on the local TCP `port` (gpsd started). */
async function listening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)));
      socket.on("error", () => resolve(false));
    });
    if (up) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on port ${port}: is gpsd installed (apt-get install gpsd gpsd-clients)?`);
}
