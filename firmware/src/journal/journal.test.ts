import { describe, expect, it } from "vitest";
import { prng } from "../testing/corpus.ts";
import type { WireFix } from "../wire/batch.ts";
import { MemoryFiles } from "./files.ts";
import { Journal } from "./journal.ts";

const fix = (i: number): WireFix => ({ time: 1.7e9 + i * 5, lat: Math.round((59.9 + i * 1e-5) * 1e6) / 1e6, lon: 10.7, alt: i % 3 === 0 ? null : 2, speed: 1.9, course: 91, hdop: 0.9, sats: 8 });

describe("Journal", () => {
  it("gives back what it holds from the cursor on, across files, and prunes only acknowledged files", () => {
    const files = new MemoryFiles();
    const j = new Journal({ files, maxFileBytes: 400 });
    j.open();
    for (let i = 0; i < 30; i++) j.append(fix(i));
    expect(files.list().filter((n) => n.startsWith("J")).length).toBeGreaterThan(3);
    const first = j.pending(12);
    expect(first.fixes).toEqual(Array.from({ length: 12 }, (_, i) => fix(i)));
    j.acknowledge(first.end);
    expect(j.pending(100).fixes).toEqual(Array.from({ length: 18 }, (_, i) => fix(12 + i)));
    const before = files.list().length;
    expect(j.prune()).toBeGreaterThan(0);
    expect(files.list().length).toBeLessThan(before);
    // After a restart the cursor and the rest are where they were.
    const again = new Journal({ files, maxFileBytes: 400 });
    again.open();
    expect(again.pending(100).fixes).toEqual(Array.from({ length: 18 }, (_, i) => fix(12 + i)));
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
    expect(after.pending(10).fixes).toEqual([fix(0), fix(2)]);
    expect(after.torn).toBe(1);
  });

  it("survives 300 power cuts at random instants: every fix that reached the card is sent, none skipped", () => {
    const r = prng(2026);
    const files = new MemoryFiles();
    const journaled = new Set<number>();
    /** fixes whose append began: a cut may still have let all of a line reach the card */
    const attempted = new Set<number>();
    const delivered = new Map<number, number>();
    let resentAfterAck = 0;
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
            const { fixes, end } = j.pending(1 + r.int(15));
            for (const f of fixes) delivered.set(f.time, (delivered.get(f.time) ?? 0) + 1); // the server stored them
            if (r.next() < 0.05) {
              resentAfterAck += fixes.length; // the power went between the acknowledgement and the cursor write
              throw new Error("power cut");
            }
            if (r.next() < 0.05) files.cut = r.int(12); // ... or in the middle of the cursor write
            j.acknowledge(end);
            if (r.next() < 0.2) j.prune();
          }
        }
      } catch (e) {
        expect((e as Error).message).toBe("power cut");
      }
    }
    // Deliver what is left.
    const last = new Journal({ files, maxFileBytes: 2000 });
    last.open();
    for (;;) {
      const { fixes, end } = last.pending(50);
      if (fixes.length === 0) break;
      for (const f of fixes) delivered.set(f.time, (delivered.get(f.time) ?? 0) + 1);
      last.acknowledge(end);
    }
    const missing = [...journaled].filter((t) => !delivered.has(t));
    expect(missing, `${missing.length} of ${journaled.size} journaled fixes never sent`).toEqual([]);
    // Nothing is sent that was never written.
    for (const t of delivered.keys()) expect(attempted.has(t)).toBe(true);
    // The run did reach the hard cases: thousands of fixes, cuts between an acknowledgement and its cursor.
    expect(journaled.size).toBeGreaterThan(2000);
    expect(resentAfterAck).toBeGreaterThan(0);
  });
});
