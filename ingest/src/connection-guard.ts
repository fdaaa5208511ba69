import type { Server } from "node:http";
import type { Socket } from "node:net";

/** How many connections the server holds, and for how long a request may take to arrive. */
export interface ConnectionLimits {
  /** connections open at once from one address: one client trickling bytes over thousands cannot take them all */
  perAddress: number;
  /** connections open at once in all, below the process's file limit */
  total: number;
  /** time to receive a request's headers, ms */
  headersTimeoutMs: number;
  /** time to receive a whole request, headers and body, ms (a batch over GPRS takes seconds; an 8 MiB OwnTracks photo on a phone tens) */
  requestTimeoutMs: number;
}

export const defaultConnectionLimits: ConnectionLimits = { perAddress: 256, total: 10_000, headersTimeoutMs: 20_000, requestTimeoutMs: 120_000 };

/** Options for node:http's server that enforce the time limits (checked every second, not Node's default 30 s). */
export function serverTimeouts(l: ConnectionLimits) {
  return { headersTimeout: l.headersTimeoutMs, requestTimeout: l.requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, l.headersTimeoutMs) };
}

/**
 * Caps the connections a server holds: in all (`maxConnections`: Node drops the
 * ones past it) and from one address (closed as they open). Node's defaults
 * hold any number for up to 300 s each, and 20,000 slow bodies from one client
 * reached the process's file limit, so that no tracker could upload.
 */
export function guardConnections(server: Server, l: ConnectionLimits): void {
  server.maxConnections = l.total;
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const n = (open.get(address) ?? 0) + 1;
    if (n > l.perAddress) {
      socket.destroy();
      return;
    }
    open.set(address, n);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
