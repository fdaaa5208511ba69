import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Limits } from "./limits.ts";

export type ConnectionLimits = Pick<Limits, "connectionsPerAddress" | "connectionsMax" | "headersTimeoutMs" | "requestTimeoutMs">;

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
  server.maxConnections = l.connectionsMax;
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const n = (open.get(address) ?? 0) + 1;
    if (n > l.connectionsPerAddress) {
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
