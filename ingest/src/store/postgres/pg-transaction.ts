import type pg from "pg";

/**
 * Runs `fn` in a transaction on one connection of the pool: COMMIT when it returns, ROLLBACK
 * when it throws. A connection that failed mid-transaction is destroyed, not put back.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (e) {
    await client.query("ROLLBACK").catch((err: Error) => (broken = err));
    throw e;
  } finally {
    client.release(broken);
  }
}
