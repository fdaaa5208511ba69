import type pg from "pg";
import type { RateLimit } from "../../rate-limiter.ts";
import { guardedQuery } from "./pg-transaction.ts";

/** The database's clock in epoch ms: every process reads the one clock. */
const NOW_MS = "extract(epoch FROM clock_timestamp()) * 1000";

/**
 * A device's upload rate as one token bucket in PostgreSQL (table rate_buckets, migration v9),
 * shared by every process: a request takes a token in one statement, whichever process it
 * reaches. `ratePerSec` sustained, `burst` at once, as RateLimiter in one process.
 */
export class PgRateLimiter implements RateLimit {
  private readonly q;

  constructor(
    pool: pg.Pool,
    readonly ratePerSec: number,
    readonly burst: number,
  ) {
    this.q = guardedQuery(pool);
  }

  async take(deviceId: number): Promise<number> {
    const { rate, burst } = { rate: this.ratePerSec, burst: this.burst };
    // The bucket refills for the time since its last take; the update happens only when a token is there.
    const taken = await this.q(
      `INSERT INTO rate_buckets AS b (device_id, tokens, at_ms) VALUES ($1, $3::float8 - 1, ${NOW_MS})
       ON CONFLICT (device_id) DO UPDATE SET tokens = least($3, b.tokens + (excluded.at_ms - b.at_ms) / 1000 * $2) - 1, at_ms = excluded.at_ms
       WHERE least($3, b.tokens + (excluded.at_ms - b.at_ms) / 1000 * $2) >= 1`,
      [deviceId, rate, burst],
    );
    if (taken.rowCount! > 0) return 0;
    const r = await this.q<{ tokens: number }>(`SELECT least($3, tokens + (${NOW_MS} - at_ms) / 1000 * $2) AS tokens FROM rate_buckets WHERE device_id = $1`, [deviceId, rate, burst]);
    const tokens = r.rows[0]?.tokens ?? 0;
    return Math.max(1, Math.ceil((1 - tokens) / rate));
  }
}
