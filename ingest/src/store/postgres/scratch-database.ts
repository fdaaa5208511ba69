import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * A new, empty database on the PostgreSQL server a URL names (its user needs CREATEDB), and how
 * to drop it: for tests and benchmarks, which fill a database and throw it away.
 */
export async function scratchDatabase(serverUrl: string, prefix = "kt"): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
