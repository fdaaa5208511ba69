import { connectPostgres, describePg, isPostgresUrl, migratePostgres, openSqliteStore } from "@kayaktrack/ingest";
import { dbPath } from "../db-path.ts";

/**
 * `kayaktrack migrate [--db postgres://USER:PASS@HOST:PORT/DB | PATH]`: brings a database's schema
 * up to date (each step once, safe beside a running server or another migrate) and says where it is.
 */
export async function migrateCommand(o: { db?: string }): Promise<void> {
  const db = o.db ?? process.env.KAYAKTRACK_DB;
  if (isPostgresUrl(db)) {
    const pool = await connectPostgres(db, 1);
    try {
      const { from, to } = await migratePostgres(pool);
      process.stdout.write(`PostgreSQL at ${describePg(db)}: schema version ${to}${from === to ? " (up to date)" : ` (was ${from})`}\n`);
    } finally {
      await pool.end();
    }
    return;
  }
  const path = dbPath(db);
  openSqliteStore(path).close();
  process.stdout.write(`SQLite at ${path}: schema up to date\n`);
}
