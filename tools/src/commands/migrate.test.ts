import { freshDatabase, PG_SKIPPED, TEST_PG } from "@kayaktrack/ingest/pg-test-db";
import { describe, expect, it } from "vitest";
import { removeTempDb, runCli, tempDb } from "../server-process.ts";

describe("kayaktrack migrate", () => {
  it("brings a SQLite file up to date", async () => {
    const db = tempDb("kt-migrate-");
    try {
      const r = await runCli(["migrate", "--db", db]);
      expect([r.code, r.stdout]).toEqual([0, `SQLite at ${db}: schema up to date\n`]);
    } finally {
      removeTempDb(db);
    }
  });

  it("says in one line that a PostgreSQL URL cannot be reached", async () => {
    const r = await runCli(["migrate", "--db", "postgres://kayak:s3cret@127.0.0.1:1/kt"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^kayaktrack: cannot reach PostgreSQL at 127\.0\.0\.1:1\/kt: ECONNREFUSED/);
    expect(r.stderr).not.toContain("s3cret");
  });

  it.skipIf(!TEST_PG)(`brings a PostgreSQL database up to date, then finds nothing to do${PG_SKIPPED}`, async () => {
    const db = await freshDatabase();
    try {
      const first = await runCli(["migrate", "--db", db.url]);
      expect([first.code, first.stdout]).toEqual([0, expect.stringMatching(/^PostgreSQL at 127\.0\.0\.1:\d+\/kt_\w+: schema version 9 \(was 0\)\n$/)]);
      const again = await runCli(["migrate", "--db", db.url]);
      expect(again.stdout).toMatch(/schema version 9 \(up to date\)\n$/);
    } finally {
      await db.drop();
    }
  });
});
