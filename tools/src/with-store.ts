import { openSqliteStore, type Store } from "@kayaktrack/ingest";
import { dbPath } from "./db-path.ts";

/**
 * Runs `fn` on the database `--db` names (dbPath), closing it afterwards whatever
 * happens: when `fn` returns, or when the promise it returns settles.
 */
export function withStore<T>(db: string | undefined, fn: (store: Store) => T): T {
  const store = openSqliteStore(dbPath(db));
  let result: T;
  try {
    result = fn(store);
  } catch (e) {
    store.close();
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => store.close()) as T;
  store.close();
  return result;
}
