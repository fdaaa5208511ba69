import { describe, expect, it } from "vitest";
import { fixAt } from "../store/store.contract.ts";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import { T0 } from "../testing.ts";
import { DISPLAY_CACHE_SIZE, tripDisplay } from "./trip-display.ts";

function withFixes(n: number) {
  const store = openSqliteStore(":memory:");
  const { device } = store.addDevice("k");
  store.write([{ deviceId: device.id, source: "batch", fixes: Array.from({ length: n }, (_, i) => fixAt(T0 + i, { lon: 10 + i * 1e-4, speed: 2 })) }]);
  return { store, range: { deviceId: device.id, fromMs: T0 * 1000, toMs: (T0 + n) * 1000 } };
}

describe("tripDisplay", () => {
  it("makes the line and the display track from the fixes in the range", () => {
    const { store, range } = withFixes(100);
    const d = tripDisplay(store, { ...range, toMs: (T0 + 49) * 1000 }, 50, 14);
    expect(d.line.type).toBe("LineString");
    expect(d.line.coordinates).toHaveLength(2); // a straight line
    expect(d.track.time).toHaveLength(50);
    expect(d.track.time.at(-1)).toBe(T0 + 49);
  });

  it("keeps a display until the trip's fixes, range or zoom change", () => {
    const { store, range } = withFixes(100);
    const first = tripDisplay(store, range, 100, 14);
    expect(tripDisplay(store, range, 100, 14)).toBe(first);
    store.write([{ deviceId: range.deviceId, source: "batch", fixes: [fixAt(T0 + 10.5, { lon: 11 })] }]);
    const after = tripDisplay(store, range, 101, 14);
    expect(after).not.toBe(first);
    expect(after.track.time).toContain(T0 + 10.5);
    expect(tripDisplay(store, range, 101, 15)).not.toBe(after);
  });

  it("keeps only the most recently used", () => {
    const { store, range } = withFixes(10);
    const first = tripDisplay(store, range, 10, 0);
    for (let z = 1; z <= DISPLAY_CACHE_SIZE; z++) tripDisplay(store, range, 10, z);
    expect(tripDisplay(store, range, 10, 0)).not.toBe(first);
  });
});
