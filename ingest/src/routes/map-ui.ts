import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { Hono } from "hono";
import { HttpError } from "../http-error.ts";
import type { ServiceDeps } from "../deps.ts";

/** Where the map is served from, and the tile layer it shows. */

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

interface Built {
  /** mtime of index.html when listed */
  stamp: number;
  /** URL path → file; only regular files under dir, so no request path can name anything else */
  files: Map<string, string>;
}

function list(dir: string, prefix = "/", into = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) list(path, `${prefix}${entry.name}/`, into);
    else if (entry.isFile()) into.set(prefix + entry.name, path); // symbolic links are left out
  }
  return into;
}

/**
 * The map page's Content-Security-Policy: its own scripts only, images also from the tile server
 * (`{s}.` a subdomain wildcard), styles its own and Leaflet's inline ones, no framing.
 */
export function pageSecurityPolicy(tileUrl: string): string {
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", `img-src 'self' data: blob: ${tileSource(tileUrl)}`,
    "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * The CSP source of a tile URL template: its origin, with a host part holding `{s}` (tile.{s}…,
 * tiles-{s}.example.com) a subdomain wildcard; a relative template is the map's own origin.
 */
function tileSource(tileUrl: string): string {
  let url: URL;
  try {
    url = new URL(tileUrl.replace(/\{[a-z]+\}/g, "0"));
  } catch {
    return "'self'";
  }
  const hostTemplate = tileUrl.slice(tileUrl.indexOf("//") + 2).split(/[/:]/)[0]!;
  if (!hostTemplate.includes("{")) return url.origin;
  const rest = hostTemplate.split(".").slice(1).join(".");
  return `${url.protocol}//*.${rest}${url.port ? `:${url.port}` : ""}`;
}

/**
 * The web map: `/` and `/s/TOKEN` (a share link) answer with the map's page,
 * other paths with the built file of that name, and `/map-config.json` with
 * the tile layer. Files are looked up in a listing of the build folder, never
 * by joining the request path onto a folder, so `..` and encoded slashes find
 * nothing. The listing is made again when index.html changes (a new build).
 */
export function mapUiRoute(deps: ServiceDeps) {
  const { dir, tileUrl, tileAttribution } = deps.mapUi;
  let built: Built | undefined;
  const current = (): Built => {
    let stamp: number;
    try {
      stamp = statSync(join(dir, "index.html")).mtimeMs;
    } catch {
      throw new HttpError(503, "map not built", "the web map has not been built: run `pnpm build:map` (pnpm test and pnpm demo do)");
    }
    if (built?.stamp !== stamp) built = { stamp, files: list(dir) };
    return built;
  };
  const send = (path: string, file: string) => {
    const type = TYPES[extname(path)] ?? "application/octet-stream";
    // Vite names what it builds under /assets/ by content hash: those never change.
    const cache = path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    return new Response(readFileSync(file), { headers: { "Content-Type": type, "Cache-Control": cache, "X-Content-Type-Options": "nosniff" } });
  };
  const csp = pageSecurityPolicy(tileUrl);
  const page = () => {
    const res = send("/index.html", current().files.get("/index.html")!);
    // A share link's token is in its path, and the admin token in the page's storage: nothing may frame the
    // map, send its address on, or run code from elsewhere.
    res.headers.set("Content-Security-Policy", csp);
    res.headers.set("X-Frame-Options", "DENY");
    res.headers.set("Referrer-Policy", "no-referrer");
    return res;
  };

  return new Hono()
    .get("/map-config.json", (c) => {
      c.header("Cache-Control", "no-cache");
      return c.json({ tiles: { url: tileUrl, attribution: tileAttribution } });
    })
    .get("/", page)
    .get("/s/:token", page)
    .get("/*", (c) => {
      const file = current().files.get(c.req.path);
      if (!file) throw new HttpError(404, "not found", "no such route");
      return send(c.req.path, file);
    });
}
