import { hostname, networkInterfaces } from "node:os";

/** The names and addresses of this machine: a request's Host naming one of them was not made up by its sender. */
function ownHosts(): Set<string> {
  const hosts = new Set(["localhost", hostname().toLowerCase(), `${hostname().toLowerCase()}.local`]);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) hosts.add(a.family === "IPv6" ? `[${a.address.split("%")[0]}]` : a.address);
  return hosts;
}

const isLoopback = (host: string) => host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "[::1]";

/**
 * Where share links point: KAYAKTRACK_PUBLIC_URL when set. Without it, the
 * address a request came to, but only when its Host is this machine's own name
 * or address (a laptop on the home network); any other Host could be anything
 * its sender wrote, so no link is made from it (undefined: the caller says to
 * set KAYAKTRACK_PUBLIC_URL).
 */
export function shareBaseUrl(requestUrl: string, publicUrl: string | undefined): string | undefined {
  if (publicUrl) return publicUrl;
  const url = new URL(requestUrl);
  const host = url.hostname.toLowerCase();
  return isLoopback(host) || ownHosts().has(host) ? url.origin : undefined;
}
