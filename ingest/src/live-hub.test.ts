import { describe, expect, it } from "vitest";
import type { StoredFix } from "./fix.ts";
import { LiveBatch, LiveHub } from "./live-hub.ts";

const fix = (id: number, deviceId: number) => ({ id, deviceId, time: 1_700_000_000 + id, lat: 59.9, lon: 10.7 }) as StoredFix;

describe("LiveHub", () => {
  it("gives each listener its device's fixes in commit order, and every fix to a listener of all devices", () => {
    const hub = new LiveHub();
    const heard: Record<string, number[]> = { one: [], two: [], all: [] };
    hub.subscribe(1, (b) => heard.one!.push(...b.fixes.map((f) => f.id)));
    hub.subscribe(2, (b) => heard.two!.push(...b.fixes.map((f) => f.id)));
    hub.subscribe(undefined, (b) => heard.all!.push(...b.fixes.map((f) => f.id)));
    hub.publish([fix(1, 1), fix(2, 2), fix(3, 1), fix(4, 3)]);
    expect(heard).toEqual({ one: [1, 3], two: [2], all: [1, 2, 3, 4] });
    expect(hub.size).toBe(3);
  });

  it("stops calling a listener once unsubscribed (twice is harmless), and ends everyone on closeAll", () => {
    const hub = new LiveHub();
    let calls = 0;
    let closed = 0;
    const off = hub.subscribe(1, () => calls++, () => closed++);
    hub.subscribe(1, () => calls++, () => closed++);
    off();
    off();
    expect(hub.size).toBe(1);
    hub.publish([fix(1, 1)]);
    expect(calls).toBe(1);
    hub.closeAll();
    expect([hub.size, closed]).toEqual([0, 1]);
    hub.publish([fix(2, 1)]);
    expect(calls).toBe(1);
  });

  it("serialises a commit's fixes once for all the listeners of a device", () => {
    const hub = new LiveHub();
    const heard: LiveBatch[] = [];
    for (let i = 0; i < 3; i++) hub.subscribe(1, (b) => heard.push(b));
    hub.publish([fix(1, 1), fix(2, 1)]);
    expect(new Set(heard).size).toBe(1);
    expect(heard[0]!.sse).toBe(heard[2]!.sse);
    expect(heard[0]!.sse.match(/^event: fix\ndata: \{.*\}\nid: \d+\n\n/gm)).toHaveLength(2);
  });
});
