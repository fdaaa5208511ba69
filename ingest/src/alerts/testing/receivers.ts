import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { connect, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A request an HTTP receiver took. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** what it was answered */
  status: number;
}

/**
 * A real HTTP server on loopback standing in for a webhook's or ntfy's receiver: it keeps what
 * it was sent, and answers each request with `status()` (down: 503, or set it to refuse).
 */
export async function startHttpReceiver() {
  const received: Received[] = [];
  let status = 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** what the next requests are answered with */
    answer(s: number) {
      status = s;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A free TCP port on loopback (free when asked: another process may take it after). */
export async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A mail as the SMTP server stored it: its headers (names in lower case) and body. */
export interface Mail {
  headers: Record<string, string>;
  body: string;
}

/**
 * A real SMTP server: aiosmtpd (Debian's python3-aiosmtpd, which `node tools/bin/setup-machine.js
 * test` installs), storing what it takes in a Maildir.
 */
export async function startSmtpServer() {
  const dir = mkdtempSync(join(tmpdir(), "kt-smtp-"));
  const port = await freePort();
  const child = spawn("aiosmtpd", ["-n", "-l", `127.0.0.1:${port}`, "-c", "aiosmtpd.handlers.Mailbox", join(dir, "mail")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<never>((_, reject) => child.on("exit", (code) => reject(new Error(`aiosmtpd exited (${code}): ${stderr}`))));
  const up = async () => {
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(port, "127.0.0.1", () => {
          s.destroy();
          resolve(true);
        }).on("error", () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`aiosmtpd did not listen on ${port}: ${stderr}`);
  };
  child.on("error", () => {}); // no aiosmtpd: `exited` says so
  await Promise.race([up(), exited]);
  exited.catch(() => {});
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** every mail stored so far, oldest first */
    mails(): Mail[] {
      const box = join(dir, "mail", "new");
      let files: string[];
      try {
        files = readdirSync(box).sort();
      } catch {
        return [];
      }
      return files.map((f) => {
        const text = readFileSync(join(box, f), "utf8");
        const split = text.indexOf("\n\n");
        const headers: Record<string, string> = {};
        for (const line of text.slice(0, split).replace(/\n[ \t]+/g, " ").split("\n")) {
          const colon = line.indexOf(":");
          if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        return { headers, body: text.slice(split + 2) };
      });
    },
    async close() {
      child.kill();
      await new Promise((r) => setTimeout(r, 50));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
