import { describe, expect, it } from "vitest";
import { prng } from "../testing/corpus.ts";
import type { WireFix } from "../wire/batch.ts";
import { MemoryFiles } from "../hal/files.ts";
import { decodeBatch } from "../wire/batch-decoder.ts";
import { encodeBatch } from "../wire/batch-writer.ts";
import { batchSeq, Journal } from "./journal.ts";

const fix = (i: number): WireFix => ({
  time: 1.7e9 + i * 5, lat: Math.round((59.9 + i * 1e-5) * 1e6) / 1e6, lon: 10.7, alt: i % 3 === 0 ? null : 2, speed: 1.9, course: 91, hdop: 0.9, sats: 8,
});
const fixes = (from: number, n: number) => Array.from({ length: n }, (_, i) => fix(from + i));

describe("Journal", () => {
  it("sends batches from the cursor on, across files, and prunes only acknowledged files", () => {
    const files = new MemoryFiles();
    const j = new Journal({ files, maxFileBytes: 400 });
    j.open();
    for (let i = 0; i < 30; i++) j.append(fix(i));
    expect(files.list().filter((n) => n.startsWith("J")).length).toBeGreaterThan(3);
    const first = j.nextBatch(12)!;
    expect(first.fixes).toEqual(fixes(0, 12));
    expect(first.seq).toBe(batchSeq(fix(0).time));
    j.acknowledge(first.seq);
    expect(j.nextBatch(100)!.fixes).toEqual(fixes(12, 18));
    const before = files.list().length;
    expect(j.prune(true)).toBeGreaterThan(0);
    expect(files.list().length).toBeLessThan(before);
    // After a restart the cursor and the rest are where they were.
    const again = new Journal({ files, maxFileBytes: 400 });
    again.open();
    expect(again.nextBatch(100)!.fixes).toEqual(fixes(12, 18));
  });

  it("sends an unacknowledged batch again after a restart: the same fixes and seq, even if more came", () => {
    const files = new MemoryFiles();
    const j = new Journal({ files });
    j.open();
    for (let i = 0; i < 5; i++) j.append(fix(i));
    const sent = j.nextBatch(60)!;
    const after = new Journal({ files });
    after.open();
    after.append(fix(5));
    expect(after.nextBatch(60)).toEqual(sent);
    after.acknowledge(sent.seq);
    expect(after.nextBatch(60)!.fixes).toEqual([fix(5)]);
  });

  it("begins a new file at midnight UTC and after a restart", () => {
    const files = new MemoryFiles();
    const j = new Journal({ files });
    j.open();
    const at = (time: number) => ({ ...fix(0), time });
    const midnight = Date.UTC(2026, 6, 5) / 1000;
    [midnight - 10, midnight - 5, midnight, midnight + 5].forEach((t) => j.append(at(t)));
    expect(Object.keys(files.data).sort()).toEqual(["J0000001.TXT", "J0000002.TXT"]);
    const again = new Journal({ files });
    again.open();
    again.append(at(midnight + 10));
    expect(files.data["J0000003.TXT"]).toMatch(/^1783209610,/);
    expect(again.nextBatch(10)!.fixes.map((f) => f.time)).toEqual([-10, -5, 0, 5, 10].map((d) => midnight + d));
  });

  it("removes acknowledged files by itself as new files start, never an unacknowledged one", () => {
    const files = new MemoryFiles();
    const j = new Journal({ files, maxFileBytes: 200, maxCardBytes: 1000 });
    j.open();
    const journalBytes = () => Object.entries(files.data).filter(([n]) => n[0] === "J").reduce((a, [, d]) => a + d.length, 0);
    for (let i = 0; i < 40; i++) j.append(fix(i));
    const unacknowledged = journalBytes();
    expect(unacknowledged).toBeGreaterThan(1000); // nothing acknowledged: over budget, all kept
    for (let b = j.nextBatch(30); b; b = undefined) j.acknowledge(b.seq);
    for (let i = 40; i < 200; i++) {
      j.append(fix(i));
      if (i % 10 === 9) for (let b = j.nextBatch(10); b; b = undefined) j.acknowledge(b.seq);
    }
    // Within budget plus the file being written and the unacknowledged ones.
    expect(journalBytes()).toBeLessThanOrEqual(1000 + 2 * 200);
    expect(j.nextBatch(100)!.fixes.map((f) => f.time)).toEqual(fixes(190, 10).map((f) => f.time));
  });

  it("removes acknowledged files, oldest first, only once the journal outgrows its budget", () => {
    const files = new MemoryFiles();
    const j = new Journal({ files, maxFileBytes: 200, maxCardBytes: 1000 });
    j.open();
    for (let i = 0; i < 40; i++) j.append(fix(i));
    const count = () => Object.keys(files.data).filter((n) => n[0] === "J").length;
    const before = count();
    expect(j.prune()).toBe(0); // nothing acknowledged yet, however big
    for (let b = j.nextBatch(30); b; b = undefined) j.acknowledge(b.seq);
    expect(j.prune()).toBeGreaterThan(0);
    const total = Object.entries(files.data).filter(([n]) => n[0] === "J").reduce((a, [, d]) => a + d.length, 0);
    expect(total).toBeLessThanOrEqual(1000 + 200);
    expect(count()).toBeLessThan(before);
    expect(j.nextBatch(100)!.fixes.map((f) => f.time)).toEqual(fixes(30, 10).map((f) => f.time));
  });

  it("gives a batch a seq that is a valid varint for any date a GPS reports, before 2023 and after 2037", () => {
    // 1980 (GPS epoch), a receiver 1,024 weeks behind in 2007, today, past 2^32 tenths of a second (2106 ÷ 10), 2200.
    const times = [315_964_800, 1_180_000_000.5, 1_796_500_000.2, 4_294_967_296, 7_258_118_400];
    let previous = -1;
    for (const time of times) {
      const files = new MemoryFiles();
      const j = new Journal({ files });
      j.open();
      j.append({ ...fix(0), time });
      const batch = j.nextBatch(10)!;
      expect(batch.seq).toBe(batchSeq(time));
      expect(batch.seq).toBeGreaterThan(previous);
      previous = batch.seq;
      const decoded = decodeBatch(encodeBatch({ device: 1, seq: batch.seq, batteryVolts: null, counters: [] }, batch.fixes));
      expect(decoded.seq).toBe(batch.seq);
      expect(decoded.fixes[0]!.time).toBe(time);
      // The same batch after a restart: the same seq, read back from the cursor file.
      const again = new Journal({ files });
      again.open();
      expect(again.nextBatch(10)!.seq).toBe(batch.seq);
    }
    // Every new seq lies above every seq of the former rule (below 2^32), so a cursor file from before cannot collide.
    expect(batchSeq(Date.UTC(1983, 8, 1) / 1000)).toBeGreaterThan(2 ** 32);
  });

  it("skips a line whose fix the wire cannot carry, as damage", () => {
    const files = new MemoryFiles();
    const j = new Journal({ files });
    j.open();
    j.append(fix(0));
    j.append({ ...fix(1), time: -5 });
    j.append({ ...fix(2), lat: 91 });
    j.append(fix(3));
    expect(j.nextBatch(10)!.fixes).toEqual([fix(0), fix(3)]);
    expect(j.torn).toBe(2);
  });

  it("skips a line torn by a power cut and goes on after it", () => {
    const files = new MemoryFiles();
    const j = new Journal({ files });
    j.open();
    j.append(fix(0));
    files.cut = 10;
    expect(() => j.append(fix(1))).toThrow(/power cut/);
    const after = new Journal({ files });
    after.open();
    after.append(fix(2));
    expect(after.nextBatch(10)!.fixes).toEqual([fix(0), fix(2)]);
    expect(after.torn).toBe(1);
  });

  it.each([2026, 1, 7, 99, 1234])("survives 300 power cuts at random instants (seed %i): every fix that reached the card is stored exactly once", (seed) => {
    const r = prng(seed);
    const files = new MemoryFiles();
    /** The server: batches by seq (a resent batch must be byte-identical), and no duplicate filter on fixes. */
    const batches = new Map<number, string>();
    const stored: number[] = [];
    const upload = (seq: number, sent: WireFix[]) => {
      const content = JSON.stringify(sent);
      const prior = batches.get(seq);
      if (prior !== undefined) {
        expect(prior, `batch ${seq} sent again with other content`).toBe(content);
        return; // replayed: nothing stored
      }
      batches.set(seq, content);
      for (const f of sent) stored.push(f.time);
    };
    const attempted = new Set<number>();
    const journaled = new Set<number>();
    let cutsAfterUpload = 0;
    let next = 0;
    for (let boot = 0; boot < 300; boot++) {
      const j = new Journal({ files, maxFileBytes: 2000 });
      j.open();
      try {
        for (let step = 0; step < 20; step++) {
          if (r.next() < 0.7) {
            if (r.next() < 0.05) files.cut = r.int(60);
            const f = fix(next++);
            attempted.add(f.time);
            j.append(f);
            journaled.add(f.time);
          } else {
            if (r.next() < 0.03) files.cut = r.int(30); // a cut while recording the batch
            const b = j.nextBatch(1 + r.int(15));
            if (!b) continue;
            upload(b.seq, b.fixes);
            if (r.next() < 0.1) {
              cutsAfterUpload++; // the power went between the server's answer and the cursor
              throw new Error("power cut");
            }
            if (r.next() < 0.05) files.cut = r.int(12); // ... or in the middle of the cursor record
            j.acknowledge(b.seq);
            if (r.next() < 0.2) j.prune(r.next() < 0.5);
          }
        }
      } catch (e) {
        expect((e as Error).message).toBe("power cut");
      }
    }
    const last = new Journal({ files, maxFileBytes: 2000 });
    last.open();
    for (let b = last.nextBatch(50); b; b = last.nextBatch(50)) {
      upload(b.seq, b.fixes);
      last.acknowledge(b.seq);
    }
    const counts = new Map<number, number>();
    for (const t of stored) counts.set(t, (counts.get(t) ?? 0) + 1);
    const missing = [...journaled].filter((t) => !counts.has(t));
    expect(missing, `${missing.length} of ${journaled.size} journaled fixes never stored`).toEqual([]);
    expect([...counts.values()].filter((c) => c > 1), "fixes stored twice").toEqual([]);
    for (const t of counts.keys()) expect(attempted.has(t)).toBe(true);
    // The run did reach the hard cases.
    expect(journaled.size).toBeGreaterThan(1500);
    expect(cutsAfterUpload).toBeGreaterThan(10);
    expect(files.list().filter((n) => n.startsWith("C")).length).toBe(1); // the cursor file moved on, the old one went
  });
});
