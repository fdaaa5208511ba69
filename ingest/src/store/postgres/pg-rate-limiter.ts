import type pg from "pg";
import type { RateLimit } from "../../rate-limiter.ts";
import { guardedQuery } from "./pg-transaction.ts";

/** The database's clock in epoch ms: every process reads the one clock. */
const NOW_MS = "extract(epoch FROM clock_timestamp()) * 1000";

/** How long tokens drawn from the database may wait in a process before they lapse. */
const LEASE_MS = 1000;

/**
 * A device's upload rate as one token bucket in PostgreSQL (table rate_buckets, migration v9),
 * shared by every process, whichever its requests reach: `ratePerSec` sustained, `burst` at once,
 * as RateLimiter in one process. A process draws up to a second's worth of tokens at a time and
 * spends them on that device's next requests; what it has not spent within a second lapses. So
 * the processes together never grant more than the bucket holds, and a device that uploads
 * often costs the database one statement a second per process, not one a request.
 */
export class PgRateLimiter implements RateLimit {
  private readonly q;
  /** tokens drawn and not yet spent, per device */
  private readonly drawn = new Map<number, { tokens: number; until: number }>();
  private readonly perDraw: number;
  private lastSweep = 0;

  constructor(
    pool: pg.Pool,
    readonly ratePerSec: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.q = guardedQuery(pool);
    this.perDraw = Math.max(1, Math.min(burst, Math.ceil((ratePerSec * LEASE_MS) / 1000)));
  }

  async take(deviceId: number): Promise<number> {
    const t = this.now();
    this.sweep(t);
    const mine = this.drawn.get(deviceId);
    if (mine && mine.tokens >= 1 && t < mine.until) {
      mine.tokens--;
      return 0;
    }
    let available = await this.draw(deviceId);
    if (available === undefined) {
      // The device's first request anywhere: a full bucket.
      await this.q(`INSERT INTO rate_buckets (device_id, tokens, at_ms) VALUES ($1, $2, ${NOW_MS}) ON CONFLICT DO NOTHING`, [deviceId, this.burst]);
      available = (await this.draw(deviceId))!;
    }
    const taken = Math.min(this.perDraw, Math.floor(available));
    if (taken >= 1) {
      this.drawn.set(deviceId, { tokens: taken - 1, until: t + LEASE_MS });
      return 0;
    }
    this.drawn.delete(deviceId);
    return Math.max(1, Math.ceil((1 - available) / this.ratePerSec));
  }

  /** Refills the bucket for the time since, takes up to perDraw whole tokens, and says how many there were. */
  private async draw(deviceId: number): Promise<number | undefined> {
    const r = await this.q<{ available: number }>(
      `UPDATE rate_buckets b SET tokens = o.available - least($4, floor(o.available)), at_ms = o.at
       FROM (SELECT device_id, least($3, tokens + (${NOW_MS} - at_ms) / 1000 * $2) AS available, ${NOW_MS} AS at
             FROM rate_buckets WHERE device_id = $1 FOR UPDATE) o
       WHERE b.device_id = o.device_id RETURNING o.available`,
      [deviceId, this.ratePerSec, this.burst, this.perDraw],
    );
    return r.rows[0]?.available;
  }

  private sweep(t: number): void {
    if (t - this.lastSweep < 10_000) return;
    this.lastSweep = t;
    for (const [id, d] of this.drawn) if (t >= d.until) this.drawn.delete(id);
  }
}
