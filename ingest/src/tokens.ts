import { hash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new secret: 128 random bits, base64url (22 characters, short enough for the modem). */
export function newToken(bytes = 16): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * Tokens are stored only as SHA-256 hashes. They are random, not passwords,
 * so a fast hash is enough: there is nothing to brute-force from a dictionary.
 */
export function hashToken(token: string): Buffer {
  return hash("sha256", token, "buffer");
}

/** Compares a presented token with a stored hash in constant time. */
export function tokenMatches(token: string, storedHash: Buffer | Uint8Array): boolean {
  const h = hashToken(token);
  return h.length === storedHash.length && timingSafeEqual(h, storedHash);
}
