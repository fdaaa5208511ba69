import { createShare, parseDuration, shareToJson, shareUrl } from "@kayaktrack/ingest";
import { positiveId } from "../positive-id.ts";
import { withStore } from "../with-store.ts";

export interface ShareCreateOptions {
  trip?: string;
  device?: string;
  expires?: string;
  delay?: string;
  url?: string;
  json?: boolean;
  db?: string;
}

const DEFAULT_URL = "http://localhost:8080";

const id = (name: string, v: string | undefined) => (v === undefined ? undefined : positiveId(name, v));

const duration = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const s = parseDuration(v);
  if (s === undefined) throw new Error(`${name} must be a duration like 90s, 15m, 2h or 7d, not '${v}'`);
  return s;
};

/** `kayaktrack share create --trip ID | --device ID [--expires 7d] [--delay 15m] [--json]` */
export async function shareCreate(o: ShareCreateOptions): Promise<void> {
  const tripId = id("--trip", o.trip);
  const deviceId = id("--device", o.device);
  const expiresS = duration("--expires", o.expires);
  const delayS = duration("--delay", o.delay);
  const { share, token } = await withStore(o.db, (store) =>
    createShare(store, {
      ...(tripId !== undefined && { tripId }),
      ...(deviceId !== undefined && { deviceId }),
      ...(expiresS !== undefined && { expiresS }),
      ...(delayS !== undefined && { delayS }),
    }),
  );
  const url = shareUrl(o.url ?? process.env.KAYAKTRACK_PUBLIC_URL ?? DEFAULT_URL, token);
  if (o.json) {
    process.stdout.write(JSON.stringify({ token, url }) + "\n");
    return;
  }
  const what = share.tripId === null ? `device ${share.deviceId}` : `trip ${share.tripId}`;
  const expires = share.expiresAt === null ? "never expires" : `expires ${new Date(share.expiresAt).toISOString()}`;
  process.stdout.write(`Share ${share.id} of ${what} (${expires}, delay ${share.delayS} s):\n  ${url}\n`);
}

/** `kayaktrack share list [--json]`: never shows tokens (only their hashes are kept). */
export async function shareList(o: { json?: boolean; db?: string }): Promise<void> {
  const shares = (await withStore(o.db, (store) => store.shares())).map((s) => shareToJson(s));
  if (o.json) {
    process.stdout.write(JSON.stringify(shares) + "\n");
    return;
  }
  if (shares.length === 0) process.stdout.write("No share links.\n");
  for (const s of shares) {
    const what = s.kind === "trip" ? `trip ${s.tripId}` : `device ${s.deviceId}`;
    const state = s.revoked ? "revoked" : s.expiresAt && Date.parse(s.expiresAt) <= Date.now() ? "expired" : "active";
    process.stdout.write(`${s.id}\t${what}\t${state}\tdelay ${s.delayS} s\texpires ${s.expiresAt ?? "never"}\n`);
  }
}

/** `kayaktrack share revoke ID` */
export async function shareRevoke(shareId: string, o: { db?: string }): Promise<void> {
  const n = id("share id", shareId)!;
  if (!await withStore(o.db, async (store) => await store.revokeShare(n))) throw new Error(`no share ${n}`);
  process.stdout.write(`Share ${n} revoked: its link now answers 410.\n`);
}
