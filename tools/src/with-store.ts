import { openStore, type Awaitable, type Store } from "@kayaktrack/ingest";
import { dbPath } from "./db-path.ts";

/** Runs `fn` on the database `--db` names (dbPath), closing it afterwards whatever happens. */
export async function withStore<T>(db: string | undefined, fn: (store: Store) => Awaitable<T>): Promise<T> {
  const store = await openStore(dbPath(db));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
