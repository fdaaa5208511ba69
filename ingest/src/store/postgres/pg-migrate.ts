import pg from "pg";
import { pgMigrations } from "./pg-migrations.ts";

/** The advisory lock every process takes to migrate: one at a time, whoever starts first. */
export const MIGRATE_LOCK = 0x6b61_7961_6b; // "kayak"

/** Where a PostgreSQL URL points, for messages (never the password). */
export function describePg(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return "an unreadable postgres:// URL";
  }
}

const INT8 = 20;
/** BIGINT columns (ids, epoch ms, counts) read as numbers, not strings: every value kept stays below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8 && format !== "binary" ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A pool for a postgres:// URL, checked with one connection: a URL it cannot reach is one clear line. */
export async function connectPostgres(url: string, max = 10): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, types });
  pool.on("error", () => {}); // an idle client's error: the next query reports it
  try {
    (await pool.connect()).release();
  } catch (e) {
    await pool.end().catch(() => {});
    const err = e as NodeJS.ErrnoException;
    throw new Error(`cannot reach PostgreSQL at ${describePg(url)}: ${err.code ?? ""}${err.code ? " " : ""}${err.message}`.trim(), { cause: e });
  }
  return pool;
}

/**
 * Brings the schema up to date: the steps not yet in schema_migrations, each once, all in one
 * transaction under an advisory lock, so two processes starting at once never run a step twice
 * (the second waits, then finds nothing to do). Returns the versions before and after.
 */
export async function migratePostgres(pool: pg.Pool): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATE_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    const { rows } = await client.query<{ v: number | null }>("SELECT max(version) AS v FROM schema_migrations");
    const from = rows[0]?.v ?? 0;
    if (from > pgMigrations.length) {
      throw new Error(`database schema version ${from} is newer than this program knows (${pgMigrations.length}); upgrade kayaktrack`);
    }
    for (let v = from; v < pgMigrations.length; v++) {
      await client.query(pgMigrations[v]!);
      await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [v + 1]);
    }
    await client.query("COMMIT");
    return { from, to: pgMigrations.length };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
