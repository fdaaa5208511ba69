import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type pg from "pg";
import { connectPostgres, describePg, migratePostgres } from "./postgres/pg-migrate.ts";
import { inTransaction } from "./postgres/pg-transaction.ts";
import { openSqliteStore } from "./sqlite/sqlite-store.ts";

/**
 * The tables a copy moves, parents first, each with its key. Rows keep their ids, so tokens,
 * share links and trip ids stay valid. Fixes never change once stored: they are inserted once
 * (a run again skips them, from the greatest id copied). The other tables' rows can change on a
 * running server (a device revoked, trips split again): a run again brings them up to date.
 */
const TABLES: Array<{ name: string; key: string[]; identity: boolean }> = [
  { name: "devices", key: ["id"], identity: true },
  { name: "settings", key: ["key"], identity: false },
  { name: "fixes", key: ["id"], identity: true },
  { name: "batches", key: ["device_id", "seq"], identity: false },
  { name: "trips", key: ["id"], identity: true },
  { name: "shares", key: ["id"], identity: true },
  { name: "contacts", key: ["id"], identity: true },
  { name: "alerts", key: ["id"], identity: true },
  { name: "deliveries", key: ["id"], identity: true },
  { name: "alert_rules", key: ["device_id"], identity: false },
];

/** Rows a statement carries: PostgreSQL takes at most 65,535 parameters. */
const PAGE_PARAMS = 60_000;

export interface CopyProgress {
  table: string;
  /** rows of this table read so far, and in all */
  done: number;
  total: number;
}

export interface CopyReport {
  table: string;
  /** rows in the SQLite database */
  rows: number;
  /** rows this run added to PostgreSQL (the others were there from an earlier run, and brought up to date) */
  added: number;
}

/**
 * Copies a SQLite database into PostgreSQL: every device, fix, batch, trip, share, setting, contact,
 * alert, delivery and rule, with their ids. Idempotent and resumable: run it again after an
 * interruption and it goes on, and a second run adds nothing. The target must be empty of data of
 * its own (a copy into a database another server already wrote to would mix two sets of ids).
 */
export async function copySqliteToPostgres(fromPath: string, toUrl: string, onProgress: (p: CopyProgress) => void = () => {}): Promise<CopyReport[]> {
  if (!existsSync(fromPath)) throw new Error(`no SQLite database at ${fromPath}`);
  // Brings the source to the newest schema too, so both have the same columns.
  openSqliteStore(fromPath).close();
  const src = new Database(fromPath, { readonly: true, fileMustExist: true });
  const pool = await connectPostgres(toUrl, 2);
  try {
    await migratePostgres(pool);
    await checkTarget(src, pool, toUrl);
    const reports: CopyReport[] = [];
    for (const t of TABLES) reports.push(await copyTable(src, pool, t, onProgress));
    // Ids go on after the greatest copied, or after the greatest SQLite ever gave (AUTOINCREMENT).
    const given = new Map<string, number>(
      src.prepare<[], { name: string; seq: number }>("SELECT name, seq FROM sqlite_sequence").all().map((r) => [r.name, r.seq]),
    );
    for (const t of TABLES.filter((x) => x.identity)) {
      const max = Math.max(given.get(t.name) ?? 0, (await pool.query<{ m: number | null }>(`SELECT max(id) AS m FROM ${t.name}`)).rows[0]!.m ?? 0);
      if (max > 0) await pool.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, [t.name, max]);
    }
    return reports;
  } finally {
    src.close();
    await pool.end();
  }
}

/** Refuses a target with devices the source does not have (with the same token): it is another server's. */
async function checkTarget(src: Database.Database, pool: pg.Pool, toUrl: string): Promise<void> {
  const mine = new Map(src.prepare<[], { id: number; token_hash: Buffer }>("SELECT id, token_hash FROM devices").all().map((r) => [r.id, r.token_hash]));
  const theirs = (await pool.query<{ id: number; token_hash: Buffer }>("SELECT id, token_hash FROM devices")).rows;
  const foreign = theirs.filter((d) => !mine.get(d.id)?.equals(d.token_hash));
  if (foreign.length > 0) {
    throw new Error(`PostgreSQL at ${describePg(toUrl)} has ${foreign.length} device(s) this SQLite database does not (device ${foreign[0]!.id} first): copy into an empty database`);
  }
}

async function copyTable(src: Database.Database, pool: pg.Pool, t: (typeof TABLES)[number], onProgress: (p: CopyProgress) => void): Promise<CopyReport> {
  const columns = src.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${t.name}')`).all().map((c) => c.name);
  const pgColumns = new Set((await pool.query<{ c: string }>("SELECT column_name AS c FROM information_schema.columns WHERE table_name = $1", [t.name])).rows.map((r) => r.c));
  const missing = columns.filter((c) => !pgColumns.has(c));
  if (missing.length > 0) throw new Error(`PostgreSQL's ${t.name} has no column ${missing.join(", ")}: is its schema older than the SQLite one?`);
  const total = (src.prepare(`SELECT count(*) AS n FROM ${t.name}`).get() as { n: number }).n;
  const page = Math.floor(PAGE_PARAMS / columns.length);
  // Fixes go on after the greatest id copied (they are copied in id order, a page a transaction).
  const fromId = t.name === "fixes" ? ((await pool.query<{ m: number | null }>("SELECT max(id) AS m FROM fixes")).rows[0]!.m ?? 0) : 0;
  let done = t.name === "fixes" ? (src.prepare("SELECT count(*) AS n FROM fixes WHERE id <= ?").get(fromId) as { n: number }).n : 0;
  let added = 0;
  // A page at a time by key (batches and settings have no rowid): (k1, k2) > (last k1, last k2).
  const keyList = t.key.join(", ");
  const select = `SELECT ${keyList}, ${columns.join(", ")} FROM ${t.name}`;
  const order = `ORDER BY ${keyList} LIMIT ${page}`;
  // The first page: fixes after the greatest id copied; any other table from its start.
  const first = t.name === "fixes" ? src.prepare(`${select} WHERE id > ? ${order}`).raw(true).bind(fromId) : src.prepare(`${select} ${order}`).raw(true);
  const next = src.prepare(`${select} WHERE (${keyList}) > (${t.key.map(() => "?").join(", ")}) ${order}`).raw(true);
  const update = columns.filter((c) => !t.key.includes(c));
  const onConflict = t.name === "fixes" || update.length === 0
    ? "ON CONFLICT DO NOTHING"
    : `ON CONFLICT (${keyList}) DO UPDATE SET ${update.map((c) => `${c} = excluded.${c}`).join(", ")}`;
  onProgress({ table: t.name, done, total });
  const k = t.key.length;
  let rows = first.all() as unknown[][];
  for (; rows.length > 0; rows = next.all(...rows.at(-1)!.slice(0, k)) as unknown[][]) {
    const values: unknown[] = [];
    const tuples = rows.map((r) => {
      const start = values.length;
      for (let i = k; i < k + columns.length; i++) values.push(r[i]);
      return `(${columns.map((_, i) => `$${start + i + 1}`).join(", ")})`;
    });
    await inTransaction(pool, async (client) => {
      // xmax is 0 in a row this statement inserted, not in one it updated.
      const res = await client.query<{ added: boolean }>(`INSERT INTO ${t.name} (${columns.join(", ")}) VALUES ${tuples.join(", ")} ${onConflict} RETURNING (xmax = 0) AS added`, values);
      added += res.rows.filter((r) => r.added).length;
    });
    done += rows.length;
    onProgress({ table: t.name, done, total });
  }
  return { table: t.name, rows: total, added };
}
