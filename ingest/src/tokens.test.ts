import { describe, expect, it } from "vitest";
import { hashToken, newToken, tokenMatches } from "./tokens.ts";

describe("tokens", () => {
  it("are at least 128 random bits and never repeat", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const t = newToken();
      expect(Buffer.from(t, "base64url").length).toBeGreaterThanOrEqual(16);
      seen.add(t);
    }
    expect(seen.size).toBe(1000);
  });

  it("match only their own hash", () => {
    const t = newToken();
    expect(tokenMatches(t, hashToken(t))).toBe(true);
    expect(tokenMatches(t + "x", hashToken(t))).toBe(false);
    expect(tokenMatches("", hashToken(t))).toBe(false);
    expect(tokenMatches(t, Buffer.alloc(5))).toBe(false);
  });
});
