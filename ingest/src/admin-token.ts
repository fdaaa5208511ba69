import type { Store } from "./store/store.ts";
import { hashToken, newToken } from "./tokens.ts";

const KEY = "admin_token_hash";

/**
 * The admin token's hash: from KAYAKTRACK_ADMIN_TOKEN when set, else the one
 * stored at the first start. When neither exists a token is generated; it is
 * returned (to be printed once) and only its hash is stored.
 */
export function resolveAdminToken(store: Store, fromEnv: string | undefined): { hash: Buffer; generated?: string } {
  if (fromEnv) return { hash: hashToken(fromEnv) };
  const stored = store.getSetting(KEY);
  if (stored) return { hash: Buffer.from(stored, "base64") };
  const generated = newToken(24);
  store.setSetting(KEY, hashToken(generated).toString("base64"));
  return { hash: hashToken(generated), generated };
}
