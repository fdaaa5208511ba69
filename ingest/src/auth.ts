import type { MiddlewareHandler } from "hono";
import { HttpError } from "./http-error.ts";
import { tokenMatches } from "./tokens.ts";

export type Credentials =
  | { scheme: "bearer"; token: string }
  | { scheme: "basic"; user: string; password: string };

/** Reads `Authorization: Bearer T` or `Basic base64(user:password)`; anything else is undefined. */
export function parseAuthorization(header: string | undefined): Credentials | undefined {
  if (!header) return undefined;
  const m = /^(\w+) +(\S+)\s*$/.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme === "bearer") return { scheme: "bearer", token: m[2]! };
  if (scheme !== "basic") return undefined;
  const decoded = Buffer.from(m[2]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { scheme: "basic", user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A device's token in `Authorization`: a Bearer token, or the password of Basic auth (apps whose one secret field is a password). */
export function deviceToken(header: string | undefined): string | undefined {
  const creds = parseAuthorization(header);
  return creds?.scheme === "bearer" ? creds.token : creds?.password;
}

/** A device id as it arrives in a body, a parameter or a user name: a positive integer. */
export function parseDeviceId(v: unknown): number | undefined {
  const s = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
  if (!/^[1-9]\d{0,15}$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

export const unauthorized = (detail: string, challenge = 'Bearer realm="kayaktrack"') =>
  new HttpError(401, "unauthorized", detail, { "WWW-Authenticate": challenge });

/** Guards the admin and reading API: `Authorization: Bearer ADMIN_TOKEN`. */
export function requireAdmin(adminTokenHash: Buffer, options: { allowQueryToken?: boolean } = {}): MiddlewareHandler {
  return async (c, next) => {
    const creds = parseAuthorization(c.req.header("authorization"));
    // EventSource cannot set headers, so the live stream may take the token as ?access_token=.
    const token =
      creds?.scheme === "bearer" ? creds.token : options.allowQueryToken ? c.req.query("access_token") : undefined;
    if (!token) throw unauthorized("this needs the admin token as 'Authorization: Bearer TOKEN'");
    if (!tokenMatches(token, adminTokenHash)) throw unauthorized("the admin token is wrong");
    await next();
  };
}
