import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { startServer, type RunningServer } from "./server.ts";
import { ADMIN } from "./testing.ts";

/** A TCP connection to the server from a given local address (all of 127.0.0.0/8 is this machine). */
function open(port: number, localAddress = "127.0.0.1"): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: "127.0.0.1", localAddress }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Resolves with what the server sent once it closed the connection, or "open" after `ms`. */
function closedWithin(s: Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    s.on("data", (d) => (got += d));
    const timer = setTimeout(() => resolve("open"), ms);
    s.once("close", () => (clearTimeout(timer), resolve(got)));
  });
}

describe("the server's connection limits (issue 22, item 1)", () => {
  let server: RunningServer | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await server?.close();
  });
  const start = async (connections: Record<string, number>) => {
    server = await startServer({ db: ":memory:", port: 0, host: "127.0.0.1", adminToken: ADMIN, log: pino({ level: "silent" }), limits: connections, shutdownGraceMs: 100 });
    return server.port;
  };

  it("holds at most perAddress connections from one address; another address is still served", async () => {
    const port = await start({ connectionsPerAddress: 3 });
    for (let i = 0; i < 3; i++) sockets.push(await open(port));
    const fourth = await open(port);
    sockets.push(fourth);
    expect(await closedWithin(fourth, 2000)).toBe("");
    // The three idle ones are still open; a client at another address gets its answer.
    const other = await open(port, "127.0.0.2");
    sockets.push(other);
    const reply = closedWithin(other, 3000);
    other.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(await reply).toMatch(/^HTTP\/1\.1 200/);
  });

  it("closes a request whose headers or body trickle in past their time limits, answering 408", async () => {
    const port = await start({ headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    const slowHeaders = await open(port);
    const slowBody = await open(port);
    sockets.push(slowHeaders, slowBody);
    slowHeaders.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    // /osmand reads a form body before it knows the device (its id and token may be in it).
    slowBody.write("POST /api/v1/osmand HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nid=1");
    const trickle = setInterval(() => slowBody.writable && slowBody.write(" "), 200);
    try {
      const [h, b] = await Promise.all([closedWithin(slowHeaders, 4000), closedWithin(slowBody, 5000)]);
      expect(h).toMatch(/^HTTP\/1\.1 408/);
      expect(b).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(trickle);
    }
  });

  it("refuses a request no device sent before its body, and closes the connection rather than drain it (issue 22, items 1 and 11)", async () => {
    const port = await start({});
    const ways = [
      "POST /api/v1/batches HTTP/1.1\r\nContent-Type: application/json\r\nAuthorization: Bearer not-a-token",
      "POST /api/v1/owntracks HTTP/1.1\r\nContent-Type: application/json",
      `POST /api/v1/owntracks HTTP/1.1\r\nContent-Type: application/json\r\nAuthorization: Basic ${Buffer.from("1:wrong").toString("base64")}`,
      "POST /api/v1/osmand?id=1&token=wrong HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded",
      "POST /api/v1/gpslogger?id=not-a-token HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded",
    ];
    for (const head of ways) {
      const s = await open(port);
      sockets.push(s);
      // (@hono/node-server drains an unread body for up to 500 ms; the reply closes it at once.)
      const closed = closedWithin(s, 450);
      s.write(`${head}\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n{`);
      // The client goes on sending; a server draining the body would keep the connection open.
      const pour = setInterval(() => s.writable && s.write(Buffer.alloc(16_384, 32)), 20);
      try {
        expect(await closed, head).toMatch(/^HTTP\/1\.1 401/);
      } finally {
        clearInterval(pour);
      }
    }
  });
});
