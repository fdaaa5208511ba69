import type pg from "pg";
import { StoreUnavailableError } from "../store.ts";

/** Node's errors of a connection that failed or went away. */
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/**
 * Whether an error says the database cannot answer now, rather than that a statement is wrong:
 * a network error, SQLSTATE class 08 (connection exception), 57P01–57P03 (shut down, or
 * starting), 53300 (too many connections), or pg's own words for a lost connection or a
 * connection that did not come in time.
 */
export function isUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err?.code === "string" ? err.code : "";
  const message = typeof err?.message === "string" ? err.message : "";
  return (
    NETWORK.has(code) || code.startsWith("08") || ["57P01", "57P02", "57P03", "53300"].includes(code) ||
    /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed|not queryable/i.test(message)
  );
}

/** The error to throw: a StoreUnavailableError when the database cannot answer, else the error itself. */
export const storeError = (e: unknown): unknown => (isUnavailable(e) && !(e instanceof StoreUnavailableError) ? new StoreUnavailableError(e) : e);

/** pool.query, whose errors say StoreUnavailableError when the database cannot answer. */
export function guardedQuery(pool: pg.Pool) {
  return async <R extends pg.QueryResultRow = pg.QueryResultRow>(query: string | pg.QueryConfig | pg.QueryArrayConfig, values?: unknown[]): Promise<pg.QueryResult<R>> => {
    try {
      return (await pool.query(query as pg.QueryConfig, values)) as unknown as pg.QueryResult<R>;
    } catch (e) {
      throw storeError(e);
    }
  };
}

/**
 * Runs `fn` in a transaction on one connection of the pool: COMMIT when it returns, ROLLBACK
 * when it throws. A connection that failed mid-transaction is destroyed, not put back.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw storeError(e);
  }
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (e) {
    await client.query("ROLLBACK").catch((err: Error) => (broken = err));
    throw storeError(e);
  } finally {
    client.release(broken);
  }
}
