import { describe, expect, it } from "vitest";
import { checkConfig, type TrackerConfig } from "../config/config.ts";
import { SimClock } from "../hal/sim-clock.ts";
import { MemoryFiles } from "../hal/files.ts";
import { Journal } from "../journal/journal.ts";
import { modemError } from "../modem/sim900.ts";
import { prng } from "../testing/corpus.ts";
import { RecordingServer } from "../testing/recording-server.ts";
import type { Ack } from "../wire/ack.ts";
import type { WireFix } from "../wire/batch.ts";
import { backoffMs, Uploader, uploadOutcome, type UploaderState, type Uplink } from "./uploader.ts";

const T0 = Date.UTC(2026, 5, 1, 8) / 1000;
const fix = (i: number): WireFix => ({ time: T0 + i * 5, lat: 59.9 + i * 1e-4, lon: 10.7, alt: 2, speed: 1.9, course: 90, hdop: 0.9, sats: 8 });

function setup(overrides: Partial<TrackerConfig> = {}, onAck?: (a: Ack) => void, uplinkMs = 20_000) {
  const clock = new SimClock(T0 * 1000);
  const files = new MemoryFiles();
  const journal = new Journal({ files });
  journal.open();
  const server = new RecordingServer();
  let failNext: Error[] = [];
  const uplink: Uplink = {
    // A modem session takes about 20 s (power on, register, bearer, POST, power off).
    upload: (body) =>
      new Promise((resolve, reject) =>
        clock.setTimeout(() => {
          const e = failNext.shift();
          if (e) reject(e);
          else resolve(server.handle(body));
        }, uplinkMs),
      ),
  };
  const { config, errors } = checkConfig([{ device: 7, token: "t", server: "http://x", ...overrides }]);
  expect(errors).toEqual([]);
  const states: UploaderState[] = [];
  const uploader = new Uploader({ journal, uplink, clock, random: prng(1).next, config, battery: () => 80, counters: () => [0, 0, 0, 0, 0], onState: (s) => states.push(s), onAck });
  uploader.start();
  let n = 0;
  const add = (count: number) => {
    for (let i = 0; i < count; i++) {
      journal.append(fix(n++));
      uploader.fixAdded();
    }
  };
  return { clock, journal, server, uploader, states, add, fail: (...e: Error[]) => (failNext = e), files, config };
}

describe("Uploader", () => {
  it("uploads soon after the first fix after boot, then every uploadEveryS", async () => {
    const s = setup({ uploadEveryS: 600, uploadAfterFixes: 1000, firstUploadAfterS: 30, batchFixes: 500 });
    s.add(1);
    await s.clock.run(29_000);
    expect(s.server.seqs).toEqual([]);
    await s.clock.run(30_000);
    expect(s.server.received).toHaveLength(1);
    // One fix every 5 s: the next upload 600 s after the first fix that came after.
    for (let t = 0; t < 700; t += 5) {
      s.add(1);
      await s.clock.run(5000);
    }
    expect(s.server.seqs).toHaveLength(2);
    expect(s.uploader.state).toBe("waiting");
  });

  it("uploads as soon as uploadAfterFixes are pending", async () => {
    const s = setup({ uploadEveryS: 3600, uploadAfterFixes: 50, firstUploadAfterS: 0 });
    s.add(1);
    await s.clock.run(60_000);
    s.add(49);
    await s.clock.run(1000);
    expect(s.uploader.state).toBe("waiting");
    s.add(1);
    await s.clock.run(25_000);
    expect(s.server.received).toHaveLength(51);
    expect(s.uploader.state).toBe("idle");
  });

  it("backs off on failures, then sends the whole backlog at once, batch after batch", async () => {
    const s = setup({ uploadEveryS: 60, batchFixes: 100, firstUploadAfterS: 0 });
    s.fail(...Array.from({ length: 6 }, () => modemError("no-network", "not registered")));
    s.add(1);
    await s.clock.run(3 * 3600_000, () => s.server.received.length > 0 && s.uploader.state === "idle");
    s.add(349);
    // Six failures later (each backoff under 10 minutes: no coverage is probed often), everything goes.
    await s.clock.run(3 * 3600_000, () => s.server.received.length === 350);
    expect(s.uploader.failures).toBe(6);
    expect(s.server.seqs.length).toBeGreaterThanOrEqual(4);
    expect([...s.server.counts().values()].every((c) => c === 1)).toBe(true);
    expect(s.states).toContain("backing-off");
  });

  it("after a batch sent again, uploads the fixes that came meanwhile even when no more come (the trip is over)", async () => {
    const s = setup({ uploadEveryS: 120, uploadAfterFixes: 1000, batchFixes: 100, firstUploadAfterS: 0 });
    s.fail(modemError("no-gprs", "GPRS attach failed"));
    s.add(5); // the first batch (5 fixes) goes, and fails
    await s.clock.run(10_000);
    s.add(20); // meanwhile: pending, not in that batch
    // The batch goes again as it was (same seq, 5 fixes); the 20 follow without a new fix to prompt them.
    await s.clock.run(3 * 3600_000, () => s.server.received.length === 25);
    expect(s.server.received).toHaveLength(25);
    expect(s.journal.hasPending()).toBe(false);
    expect(s.uploader.state).toBe("idle");
  });

  it("sets aside a batch the server refuses as invalid and goes on with the next", async () => {
    const s = setup({ batchFixes: 10, firstUploadAfterS: 0, uploadAfterFixes: 10 });
    let refused = 0;
    s.server.reply = () => (refused++ === 0 ? { status: 400, body: '{"error":"malformed batch"}' } : undefined);
    s.add(25);
    await s.clock.run(3600_000, () => s.server.received.length === 15);
    expect(s.journal.setAside).toBe(1);
    expect(s.server.received.map((f) => f.time)).toEqual([...Array(15).keys()].map((i) => fix(10 + i).time));
    expect(s.uploader.lastError?.message).toMatch(/refused batch .* \(HTTP 400\): set aside/);
  });

  it("retries a 500 and an acknowledgement for another seq, and hands the server's settings over", async () => {
    const acks: string[][] = [];
    const s = setup({ firstUploadAfterS: 0 }, (a) => acks.push(a.settings ?? []));
    const replies = [{ status: 500, body: "oops" }, { status: 200, body: "A 1 1 0 0\n" }];
    s.server.reply = () => replies.shift();
    s.server.settings = ["every=300"];
    s.add(3);
    await s.clock.run(3600_000, () => s.server.received.length === 3);
    expect(s.uploader.failures).toBe(2);
    expect(s.uploader.lastError?.message).toMatch(/the reply acknowledges batch 1, sent again later/);
    expect(s.uploader.batches).toBe(1);
    expect(acks).toEqual([["every=300"]]);
  });
});

describe("retry policy", () => {
  it("sets aside batches the server refuses as invalid and retries the rest", () => {
    expect(uploadOutcome({ status: 200, body: "" })).toBe("acknowledged");
    expect(uploadOutcome({ status: 400, body: "" })).toBe("rejected");
    expect(uploadOutcome({ status: 409, body: "" })).toBe("rejected");
    expect(uploadOutcome({ status: 503, body: "" })).toBe("retry");
    expect(uploadOutcome({ status: 429, body: "" })).toBe("retry");
  });

  it("backs off exponentially with full jitter, capped", () => {
    expect(backoffMs(0, () => 0.999)).toBe(29_970);
    expect(backoffMs(3, () => 0.5)).toBe(120_000);
    expect(backoffMs(20, () => 0.999)).toBe(1_798_200);
    expect(backoffMs(5, () => 0)).toBe(0);
  });
});
