import { describe, expect, it } from "vitest";
import { fixAt } from "../store/store.contract.ts";
import { openSqliteStore, type SqliteStore } from "../store/sqlite/sqlite-store.ts";
import { T0 } from "../testing.ts";
import { TRIP_VIEWS, TripView, tripView } from "./trip-view.ts";

/** A wandering track, a fix a second: `from` to `to` (seconds after T0). */
const wander = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return fixAt(T0 + i, { lon: 10 + i * 2e-5 + Math.sin(i / 40) * 1e-3, lat: 59 + Math.cos(i / 70) * 1e-3, speed: i % 7 === 0 ? null : 1 + (i % 5) / 10 });
  });

function withDevice() {
  const store = openSqliteStore(":memory:");
  const { device } = store.addDevice("k");
  const add = (from: number, to: number) => store.write([{ deviceId: device.id, source: "batch", fixes: wander(from, to) }]);
  return { store, id: device.id, add };
}

/** Counts the fixes a store hands out, from every query. */
function countingReads(store: SqliteStore) {
  let rows = 0;
  const fixes = store.fixes.bind(store);
  const afterId = store.fixesAfterId.bind(store);
  store.fixes = (q) => {
    const r = fixes(q);
    rows += r.length;
    return r;
  };
  store.fixesAfterId = (a, d, l) => {
    const r = afterId(a, d, l);
    rows += r.length;
    return r;
  };
  return { take: () => [rows, (rows = 0)][0]! };
}

describe("TripView", () => {
  it("shows what a view made afresh shows, however the trip grew", async () => {
    const { store, id, add } = withDevice();
    const kept = new TripView(store, id, T0 * 1000);
    let end = 0;
    for (const step of [1, 240, 251, 9, 500, 1333, 2, 7000]) {
      add(end, end + step);
      end += step;
      const toMs = (T0 + end - 1) * 1000;
      await kept.advance(toMs);
      const fresh = new TripView(store, id, T0 * 1000);
      await fresh.advance(toMs);
      expect(kept.count).toBe(end);
      for (const zoom of [3, 12, 16, 19]) expect(kept.display(zoom)).toEqual(fresh.display(zoom));
      expect(kept.stats()).toEqual(fresh.stats());
    }
    expect(kept.stats()).toMatchObject({ fixes: end, start: T0, end: T0 + end - 1 });
  });

  it("reads only the fixes that arrived since, and everything again after a late fix inside it", async () => {
    const { store, id, add } = withDevice();
    const reads = countingReads(store);
    add(0, 20_000);
    const view = new TripView(store, id, T0 * 1000);
    await view.advance((T0 + 19_999) * 1000);
    expect(reads.take()).toBe(20_000);
    add(20_000, 20_060);
    await view.advance((T0 + 20_059) * 1000);
    expect(reads.take()).toBeLessThanOrEqual(2 * 60);
    await view.advance((T0 + 20_059) * 1000);
    expect(reads.take()).toBe(0);
    // A late fix in the middle: all of it read again, the late fix in its place.
    store.write([{ deviceId: id, source: "batch", fixes: [fixAt(T0 + 100.5, { lon: 11 })] }]);
    await view.advance((T0 + 20_059) * 1000);
    expect(view.count).toBe(20_061);
    expect(view.display(18).track.lon).toContain(11);
    expect(reads.take()).toBeGreaterThan(20_000);
  });

  it("holds nothing before its start, and is read again when asked for less than it holds", async () => {
    const { store, id, add } = withDevice();
    add(0, 100);
    const view = new TripView(store, id, (T0 + 50) * 1000);
    await view.advance((T0 + 89) * 1000);
    expect([view.count, view.stats()?.start, view.latest?.time]).toEqual([40, T0 + 50, T0 + 89]);
    await view.advance((T0 + 59) * 1000);
    expect([view.count, view.latest?.time]).toEqual([10, T0 + 59]);
    expect(new TripView(store, id, (T0 + 500) * 1000).stats()).toBeUndefined();
  });

  it("keeps the most recently used views, one for each lane", () => {
    const { store, id } = withDevice();
    const first = tripView(store, id, T0 * 1000, "whole");
    expect(tripView(store, id, T0 * 1000, "whole")).toBe(first);
    expect(tripView(store, id, T0 * 1000, "share delayed 600 s")).not.toBe(first);
    for (let i = 1; i <= TRIP_VIEWS; i++) tripView(store, id, (T0 + i) * 1000, "whole");
    expect(tripView(store, id, T0 * 1000, "whole")).not.toBe(first);
  });
});
