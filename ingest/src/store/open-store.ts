import { openPgStore } from "./postgres/pg-store.ts";
import { openSqliteStore } from "./sqlite/sqlite-store.ts";
import type { Store } from "./store.ts";

/** Whether a database names PostgreSQL (postgres://USER:PASS@HOST:PORT/DB) rather than a SQLite file. */
export const isPostgresUrl = (db: string | undefined): db is string => !!db && /^postgres(ql)?:\/\//i.test(db);

/** The store a database names: a postgres:// URL (connected and migrated), else a SQLite file (created if new). */
export async function openStore(db: string): Promise<Store> {
  return isPostgresUrl(db) ? await openPgStore(db) : openSqliteStore(db);
}
