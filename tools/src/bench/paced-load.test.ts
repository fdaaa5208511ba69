import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { pacedLoad, quantile } from "./paced-load.ts";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server that answers every request after `delayMs` and notes when each arrived. */
async function serve(delayMs: number) {
  const arrivals: number[] = [];
  server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    setTimeout(() => res.end("ok"), delayMs);
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

const request = { method: "POST" as const, path: "/", headers: {}, body: "x" };

describe("pacedLoad", () => {
  it("sends rate × seconds requests spread evenly, not in bursts", async () => {
    const { url, arrivals } = await serve(0);
    let acknowledged = 0;
    const r = await pacedLoad({
      url, connections: 10, ratePerSec: 200, seconds: 1,
      make: () => ({ request, onReply: (status) => status === 200 && acknowledged++ }),
    });
    expect(r).toMatchObject({ replies: 200, non2xx: 0, errors: 0 });
    expect(acknowledged).toBe(200);
    // 200 a second is one every 5 ms: any 100 ms holds about 20, never a burst of a second's share.
    for (const t of arrivals) expect(arrivals.filter((a) => a >= t && a < t + 100).length).toBeLessThanOrEqual(30);
  });

  it("counts latency from when a request was due, so a server slower than the pace shows its backlog", async () => {
    const { url } = await serve(30);
    const r = await pacedLoad({ url, connections: 2, ratePerSec: 40, seconds: 1, make: () => ({ request, onReply: () => {} }) });
    // Each connection is due every 50 ms and waits 30 ms for its reply: no backlog.
    expect(quantile(r.latenciesMs, 0.5)).toBeGreaterThanOrEqual(29);
    expect(quantile(r.latenciesMs, 0.5)).toBeLessThan(45);

    const slow = await pacedLoad({ url, connections: 2, ratePerSec: 100, seconds: 1, make: () => ({ request, onReply: () => {} }) });
    // Due every 20 ms, answered after 30 ms: each request starts later than the last, and the latency grows with it.
    expect(slow.replies).toBe(100);
    expect(slow.latenciesMs.at(-1)!).toBeGreaterThan(400);
  });

  it("answers the warm-up's requests but counts only the measured seconds", async () => {
    const { url, arrivals } = await serve(0);
    const heard: boolean[] = [];
    const r = await pacedLoad({
      url, connections: 4, ratePerSec: 100, seconds: 0.5, warmupSeconds: 0.3,
      make: () => ({ request, onReply: (_s, _b, measured) => heard.push(measured) }),
    });
    expect(arrivals).toHaveLength(80);
    expect([heard.filter((m) => !m).length, heard.filter((m) => m).length]).toEqual([30, 50]);
    expect(r.replies).toBe(50);
    expect(r.latenciesMs).toHaveLength(50);
  });

  it("marks the measured seconds: before the first measured reply, and once the last is in", async () => {
    const { url } = await serve(0);
    const events: string[] = [];
    await pacedLoad({
      url, connections: 2, ratePerSec: 40, seconds: 0.3, warmupSeconds: 0.2,
      make: () => ({ request, onReply: (_s, _b, measured) => events.push(measured ? "measured" : "warm-up") }),
      onMeasureStart: () => events.push("start"),
      onMeasureEnd: () => events.push("end"),
    });
    // 40 a second: 8 in the warm-up, 12 measured, each measured one heard between the marks.
    expect(events.filter((e) => e === "warm-up")).toHaveLength(8);
    expect(events.filter((e) => e === "measured")).toHaveLength(12);
    expect(events.filter((e) => e === "start")).toHaveLength(1);
    expect(events.indexOf("start")).toBeGreaterThan(events.indexOf("warm-up"));
    expect(events.indexOf("start")).toBeLessThan(events.indexOf("measured"));
    expect(events.at(-1)).toBe("end");
  });

  it("reports a refused connection as an error, not a reply", async () => {
    const { url } = await serve(0);
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const r = await pacedLoad({ url, connections: 1, ratePerSec: 10, seconds: 0.3, make: () => ({ request, onReply: () => {} }) });
    expect(r).toMatchObject({ replies: 0, errors: 3 });
    expect(r.firstError).toMatch(/ECONNREFUSED|connect/);
  });

  it("takes quantiles by nearest rank", () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([quantile(v, 0.5), quantile(v, 0.99), quantile(v, 1), quantile([], 0.5)]).toEqual([50, 99, 100, NaN]);
  });
});
