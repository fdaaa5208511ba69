import { scratchDatabase } from "../scratch-database.ts";

/**
 * The PostgreSQL the tests use: KAYAKTRACK_TEST_PG, a URL of a throw-away cluster's superuser
 * (.ci/run starts one). Without it the PostgreSQL tests are skipped, and say so.
 */
export const TEST_PG = process.env.KAYAKTRACK_TEST_PG;
export const PG_SKIPPED = TEST_PG ? "" : " — skipped: set KAYAKTRACK_TEST_PG to a throw-away PostgreSQL (.ci/run starts one)";

/** A new, empty database on the test cluster, and how to drop it. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_PG) throw new Error("KAYAKTRACK_TEST_PG is not set");
  return scratchDatabase(TEST_PG);
}
