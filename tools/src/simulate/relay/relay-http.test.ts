import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { relayHttp, userDataHeaders, type RelayRequest } from "./relay-http.ts";

const timers = { setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** A real HTTP server that records each request and answers with `answer`. */
async function listen(answer: (req: IncomingMessage, body: Buffer) => { status: number; body: Buffer } | undefined) {
  const seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: Buffer }> = [];
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const a = answer(req, body);
      if (!a) return; // never answers
      res.writeHead(a.status, { "Content-Type": "application/octet-stream" }).end(a.body);
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

const post = (url: string, body: Buffer, more: Partial<RelayRequest> = {}): RelayRequest => ({
  method: "POST",
  url,
  contentType: "application/vnd.kayaktrack.batch",
  userData: "Authorization: Bearer tok",
  userAgent: "SIMCOM_MODULE",
  body,
  timeoutMs: 5000,
  ...more,
});

describe("relayHttp", () => {
  it("relays a binary body and the reply byte for byte, with the content type and USERDATA headers", async () => {
    const s = await listen((_, body) => ({ status: 200, body: Buffer.concat([Buffer.from(body).reverse(), Buffer.from("\r\n")]) }));
    const r = await relayHttp(fetch, timers, post(`${s.url}/api/v1/batches?x=1`, ALL_BYTES));
    expect(s.seen[0]).toMatchObject({ method: "POST", url: "/api/v1/batches?x=1", body: ALL_BYTES });
    expect(s.seen[0]!.headers).toMatchObject({
      "content-type": "application/vnd.kayaktrack.batch",
      authorization: "Bearer tok",
      "user-agent": "SIMCOM_MODULE",
      "content-length": "256",
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(Buffer.concat([Buffer.from(ALL_BYTES).reverse(), Buffer.from("\r\n")]));
    expect(r.connected).toBe(true);
    expect(r.dnsName).toBeUndefined();
    expect(r.requestBytes).toBeGreaterThan(256 + 100);
    expect(r.responseBytes).toBeGreaterThan(258 + 30);
  });

  it("passes on the server's own errors as HTTP statuses", async () => {
    const s = await listen(() => ({ status: 503, body: Buffer.from("busy") }));
    const r = await relayHttp(fetch, timers, post(s.url, Buffer.from("x")));
    expect(r.status).toBe(503);
    expect(r.body.toString()).toBe("busy");
  });

  it("answers 601 when the server refuses or never answers, 603 when the name does not resolve", async () => {
    const s = await listen(() => undefined);
    expect((await relayHttp(fetch, timers, post(s.url, Buffer.from("x"), { timeoutMs: 200 }))).status).toBe(601);
    server!.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
    const refused = await relayHttp(fetch, timers, post(s.url, Buffer.from("x")));
    expect(refused).toMatchObject({ status: 601, connected: false, responseBytes: 0 });
    const dns = await relayHttp(fetch, timers, post("http://no-such-host.invalid/api", Buffer.from("x")));
    expect(dns).toMatchObject({ status: 603, connected: false, dnsName: "no-such-host.invalid" });
    expect((await relayHttp(fetch, timers, post("not a url", Buffer.from("x")))).status).toBe(601);
  });

  it("reads USERDATA header lines split by CR LF, typed or escaped, and leaves out what is not a header", () => {
    expect(userDataHeaders("Authorization: Bearer t\\r\\nX-A:1\r\nbroken line")).toEqual([
      ["Authorization", "Bearer t"],
      ["X-A", "1"],
    ]);
  });
});
