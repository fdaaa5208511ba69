import { resolve } from "node:path";
import { isPostgresUrl } from "@kayaktrack/ingest";

export const DEFAULT_DB = "./data/kayaktrack.db";

/**
 * The database: --db, else KAYAKTRACK_DB, else ./data/kayaktrack.db; a SQLite file relative to
 * where the command runs, or a postgres:// URL as given.
 */
export function dbPath(option: string | undefined): string {
  const db = option ?? process.env.KAYAKTRACK_DB ?? DEFAULT_DB;
  return isPostgresUrl(db) ? db : resolve(db);
}
