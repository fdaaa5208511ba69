import { openSqliteStore, type Store } from "@kayaktrack/ingest";
import { dbPath } from "./db-path.ts";

/** Runs `fn` on the database `--db` names (dbPath), closing it afterwards whatever happens. For synchronous work only. */
export function withStore<T>(db: string | undefined, fn: (store: Store) => T): T {
  const store = openSqliteStore(dbPath(db));
  try {
    return fn(store);
  } finally {
    store.close();
  }
}
