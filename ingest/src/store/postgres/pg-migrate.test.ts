import { describe, expect, it } from "vitest";
import { migrations } from "../sqlite/migrations.ts";
import { connectPostgres, migratePostgres } from "./pg-migrate.ts";
import { pgMigrations } from "./pg-migrations.ts";
import { freshDatabase, PG_SKIPPED, TEST_PG } from "./testing/pg-test-db.ts";

describe("PostgreSQL migrations", () => {
  it("are numbered as SQLite's: step N here makes what step N makes there", () => {
    expect(pgMigrations.length).toBe(migrations.length);
  });

  it.skipIf(!TEST_PG)(`apply each step once when two processes start at once, and refuse a newer schema${PG_SKIPPED}`, async () => {
    const db = await freshDatabase();
    const [a, b] = await Promise.all([connectPostgres(db.url), connectPostgres(db.url)]);
    try {
      const runs = await Promise.all([migratePostgres(a), migratePostgres(b)]);
      // One did the work, the other waited on the lock and found nothing to do.
      expect(runs.map((r) => r.from).sort()).toEqual([0, pgMigrations.length]);
      const { rows } = await a.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(rows.map((r) => r.version)).toEqual(pgMigrations.map((_, i) => i + 1));
      const tables = await a.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
      expect(tables.rows.map((r) => r.t)).toEqual(["alert_rules", "alerts", "batches", "contacts", "deliveries", "devices", "fixes", "rate_buckets", "schema_migrations", "settings", "shares", "trips"]);
      expect(await migratePostgres(a)).toEqual({ from: pgMigrations.length, to: pgMigrations.length });
      await a.query("INSERT INTO schema_migrations (version) VALUES (99)");
      await expect(migratePostgres(b)).rejects.toThrow(/schema version 99 is newer than this program knows/);
    } finally {
      await Promise.all([a.end(), b.end()]);
      await db.drop();
    }
  });

  it("says in one line that a URL cannot be reached, without its password", async () => {
    const err = await connectPostgres("postgres://kayak:s3cret@127.0.0.1:1/kayaktrack").catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:1\/kayaktrack: ECONNREFUSED/);
    expect((err as Error).message).not.toContain("s3cret");
    expect((err as Error).message).not.toContain("\n");
  });
});
