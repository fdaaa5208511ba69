import type { Store } from "./store/store.ts";
import { hashToken, newToken } from "./tokens.ts";

const KEY = "admin_token_hash";
/** The shortest admin token taken from the environment: a guessable one would open every device's tracks. */
export const MIN_ADMIN_TOKEN = 16;

/**
 * The admin token's hash: from KAYAKTRACK_ADMIN_TOKEN when set, else the one
 * stored at the first start. When neither exists a token is generated; it is
 * returned (to be printed once) and only its hash is stored.
 */
export async function resolveAdminToken(store: Store, fromEnv: string | undefined): Promise<{ hash: Buffer; generated?: string }> {
  if (fromEnv !== undefined && fromEnv.length < MIN_ADMIN_TOKEN) {
    throw new Error(`KAYAKTRACK_ADMIN_TOKEN has ${fromEnv.length} characters; give at least ${MIN_ADMIN_TOKEN} (it guards every device's tracks), or leave it unset for a generated one`);
  }
  if (fromEnv) return { hash: hashToken(fromEnv) };
  const stored = await store.getSetting(KEY);
  if (stored) return { hash: Buffer.from(stored, "base64") };
  const generated = newToken(24);
  await store.setSetting(KEY, hashToken(generated).toString("base64"));
  return { hash: hashToken(generated), generated };
}
