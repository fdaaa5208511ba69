import { describe, expect, it } from "vitest";
import { hostileCase } from "./hostile-requests.ts";
import { hostileHttp } from "./hostile-http.ts";
import { parseReply } from "./raw-http.ts";

const targets = { a: { id: 1, token: "a".repeat(22) }, b: { id: 2, token: "b".repeat(22) }, c: { id: 3, token: "c".repeat(22) }, admin: "admin" };
const bytes = (i: number) => {
  const { req } = hostileCase(8, i, targets);
  return Buffer.concat([Buffer.from(req.head), ...(req.body ?? [])]).toString("base64");
};

describe("hostile-http scenario", () => {
  it("makes the same request i for the same seed, whatever came before", () => {
    const forward = [1, 2, 3, 500, 4321].map(bytes);
    expect([4321, 500, 3, 2, 1].map(bytes).reverse()).toEqual(forward);
    expect(hostileCase(9, 500, targets).req.head).not.toEqual(hostileCase(8, 500, targets).req.head);
  });

  it("reads the reply after a 100 Continue, and a chunked body", () => {
    const raw = Buffer.from("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 413 Payload Too Large\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    expect(parseReply(raw)).toEqual({ status: 413, body: Buffer.from("abcde") });
    expect(parseReply(Buffer.from("garbage")).status).toBe(0);
  });

  // The suite sends 10,000 (pnpm test:reliability --only hostile-http); 2,000 run every family.
  it("passes every check against a real server", async () => {
    const rows = await hostileHttp("short", { requests: 2000 });
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(r.pass, `${r.check}: ${r.result}`).toBe(true);
  }, 120_000);
});
