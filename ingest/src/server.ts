import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { pino, type Logger } from "pino";
import { resolveAdminToken } from "./admin-token.ts";
import { guardConnections, serverTimeouts } from "./connection-guard.ts";
import { defaultLimits, type Limits } from "./limits.ts";
import { createService } from "./service.ts";
import type { MapUiOptions } from "./map-ui-options.ts";
import type { EmailOptions } from "./alerts/channels/email.ts";
import { isPostgresUrl, openStore } from "./store/open-store.ts";
import { describePg } from "./store/postgres/pg-migrate.ts";
import { startWriterThread } from "./store/sqlite/writer-thread.ts";

export interface ServerOptions {
  /** a SQLite file (":memory:" for tests) or a postgres:// URL */
  db: string;
  port?: number;
  host?: string;
  /** KAYAKTRACK_ADMIN_TOKEN; when absent one is generated at the first start */
  adminToken?: string;
  /** caps and timeouts over limits.ts's defaults */
  limits?: Partial<Limits>;
  /** the address people open, for share links */
  publicUrl?: string;
  /** the web map's build folder and tile layer */
  map?: Partial<MapUiOptions>;
  log?: Logger;
  /** pino level of the default logger (default info) */
  logLevel?: string;
  /** how long shutdown waits for in-flight requests before closing their connections (default 10 s) */
  shutdownGraceMs?: number;
  /** the SMTP server for e-mail contacts (KAYAKTRACK_SMTP_URL, KAYAKTRACK_MAIL_FROM) */
  smtp?: EmailOptions;
  /** called with a newly generated admin token, which is never shown again */
  onAdminTokenGenerated?: (token: string) => void;
}

export interface RunningServer {
  port: number;
  url: string;
  /** Stops accepting, finishes in-flight requests, ends live streams, closes the database; safe twice. */
  close(): Promise<void>;
}

/** Opens the database (running migrations) and serves the API until close(). */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? pino({ level: options.logLevel ?? "info", base: null, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ sync: false }));
  const limits = { ...defaultLimits, ...options.limits };
  const postgres = isPostgresUrl(options.db);
  const store = await openStore(options.db);
  const admin = await resolveAdminToken(store, options.adminToken);
  if (admin.generated) options.onAdminTokenGenerated?.(admin.generated);
  // SQLite's fix writes run in a thread of their own (a ":memory:" database cannot be shared with one);
  // PostgreSQL's run on its own server, and the pool's connections wait for them.
  const writer = postgres || options.db === ":memory:" ? undefined : await startWriterThread(options.db);
  const service = createService({
    store,
    adminToken: admin.hash,
    log,
    defaultMetrics: true,
    ...(writer && { writer }),
    ...(options.publicUrl && { publicUrl: options.publicUrl }),
    limits,
    ...(options.map && { map: options.map }),
    ...(options.smtp && { smtp: options.smtp }),
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve(
      { fetch: service.app.fetch, port: options.port ?? 8080, hostname: options.host ?? "0.0.0.0", serverOptions: serverTimeouts(limits) },
      () => resolve(s as Server),
    ) as Server;
    s.once("error", reject);
  });
  guardConnections(server, limits);
  server.on("error", (err) => log.error({ err }, "server error"));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1"}:${port}`;
  log.info({ port, db: postgres ? `postgres ${describePg(options.db)}` : options.db }, "listening");

  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    close() {
      closing ??= new Promise<void>((resolve) => {
        log.info("shutting down");
        service.deps.hub.closeAll(); // live streams end, so they do not hold the server open
        // Connections become idle as their in-flight requests finish; close each
        // then, and after the grace period close whatever is left.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const deadline = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          void service.close().then(() => {
            log.info("stopped");
            log.flush?.();
            resolve();
          });
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
