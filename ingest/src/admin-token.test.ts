import { describe, expect, it } from "vitest";
import { resolveAdminToken } from "./admin-token.ts";
import { openSqliteStore } from "./store/sqlite/sqlite-store.ts";
import { hashToken } from "./tokens.ts";

describe("resolveAdminToken", () => {
  it("refuses a short token from the environment with a clear error (issue 22, item 11), takes a long one, and generates one when unset", async () => {
    const store = openSqliteStore(":memory:");
    await expect(resolveAdminToken(store, "admin")).rejects.toThrow(/KAYAKTRACK_ADMIN_TOKEN has 5 characters; give at least 16/);
    await expect(resolveAdminToken(store, "")).rejects.toThrow(/has 0 characters/);
    expect((await resolveAdminToken(store, "a-long-enough-admin-token")).hash).toEqual(hashToken("a-long-enough-admin-token"));
    const first = await resolveAdminToken(store, undefined);
    expect(first.generated).toMatch(/^[\w-]{32}$/);
    expect(await resolveAdminToken(store, undefined)).toEqual({ hash: first.hash });
    store.close();
  });
});
