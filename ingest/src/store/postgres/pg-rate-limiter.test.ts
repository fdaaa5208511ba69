import { describe, expect, it } from "vitest";
import { connectPostgres, migratePostgres } from "./pg-migrate.ts";
import { PgRateLimiter } from "./pg-rate-limiter.ts";
import { freshDatabase, PG_SKIPPED, TEST_PG } from "./testing/pg-test-db.ts";

describe.skipIf(!TEST_PG)(`PgRateLimiter${PG_SKIPPED}`, () => {
  it("grants two processes together no more than the one bucket holds, drawing a second's tokens at a time", async () => {
    const db = await freshDatabase();
    const pools = [await connectPostgres(db.url, 2), await connectPostgres(db.url, 2)];
    try {
      await migratePostgres(pools[0]!);
      const [a, b] = pools.map((p) => new PgRateLimiter(p, 10, 20));
      const started = performance.now();
      let granted = 0;
      for (let i = 0; i < 120; i++) if ((await (i % 2 ? b! : a!).take(7)) === 0) granted++;
      const seconds = (performance.now() - started) / 1000;
      // The burst, and what refilled meanwhile; never twice the burst.
      expect(granted).toBeGreaterThanOrEqual(20);
      expect(granted).toBeLessThanOrEqual(20 + Math.ceil(10 * seconds) + 1);
      // Over the rate, a retry after is given in whole seconds.
      expect(await a!.take(7)).toBeGreaterThanOrEqual(1);
      // Another device has its own bucket.
      expect(await b!.take(8)).toBe(0);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await db.drop();
    }
  });
});
