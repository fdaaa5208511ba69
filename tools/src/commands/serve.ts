import { limitsFromEnv, startServer, type RunningServer } from "@kayaktrack/ingest";
import { dbPath } from "../db-path.ts";

export interface ServeOptions {
  port?: string;
  host?: string;
  db?: string;
}

/** Parses a TCP port (0 picks a free one). */
export function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new Error(`'${text}' is not a TCP port (0-65535)`);
  return n;
}

/** The SMTP server for alert e-mails: KAYAKTRACK_SMTP_URL (smtp:// or smtps://) and KAYAKTRACK_MAIL_FROM. */
export function smtpFromEnv(env: Record<string, string | undefined>): { smtp?: { smtpUrl: string; from?: string } } {
  const url = env.KAYAKTRACK_SMTP_URL;
  if (!url) return {};
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = "";
  }
  if (protocol !== "smtp:" && protocol !== "smtps:") {
    throw new Error(`KAYAKTRACK_SMTP_URL must be smtp://[user:password@]host[:port] or smtps://…, not '${url.replace(/\/\/[^@/]*@/, "//…@")}'`);
  }
  return { smtp: { smtpUrl: url, ...(env.KAYAKTRACK_MAIL_FROM && { from: env.KAYAKTRACK_MAIL_FROM }) } };
}

/**
 * `kayaktrack serve`: runs the ingest service until SIGTERM or SIGINT, then shuts down gracefully.
 * With `signals: false` the caller (the demo) handles them and closes the server itself.
 */
export async function serve(options: ServeOptions, { signals = true } = {}): Promise<RunningServer> {
  const server = await startServer({
    db: dbPath(options.db),
    port: parsePort(options.port ?? process.env.PORT, 8080),
    host: options.host ?? process.env.HOST ?? "0.0.0.0",
    adminToken: process.env.KAYAKTRACK_ADMIN_TOKEN || undefined,
    logLevel: process.env.LOG_LEVEL || "info",
    limits: limitsFromEnv(),
    ...(process.env.KAYAKTRACK_PUBLIC_URL && { publicUrl: process.env.KAYAKTRACK_PUBLIC_URL }),
    ...smtpFromEnv(process.env),
    map: {
      ...(process.env.KAYAKTRACK_TILE_URL && { tileUrl: process.env.KAYAKTRACK_TILE_URL }),
      ...(process.env.KAYAKTRACK_TILE_ATTRIBUTION !== undefined && { tileAttribution: process.env.KAYAKTRACK_TILE_ATTRIBUTION }),
    },
    onAdminTokenGenerated(token) {
      process.stderr.write(
        `\nGenerated the admin token (shown only this once; set KAYAKTRACK_ADMIN_TOKEN to choose your own):\n\n  ${token}\n\n`,
      );
    },
  });
  process.stderr.write(`kayaktrack: ingest service listening on ${server.url}\n`);
  if (!signals) return server;
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  return server;
}
