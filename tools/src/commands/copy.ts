import { MultiBar, Presets } from "cli-progress";
import { copySqliteToPostgres, describePg, isPostgresUrl, type CopyProgress } from "@kayaktrack/ingest";
import { dbPath } from "../db-path.ts";

/**
 * `kayaktrack copy --from ./data/kayaktrack.db --to postgres://…`: everything in a SQLite database
 * into PostgreSQL, ids kept. Run it with the server stopped; interrupted, run it again: it goes on.
 */
export async function copyCommand(o: { from?: string; to?: string; json?: boolean }): Promise<void> {
  if (!isPostgresUrl(o.to)) throw new Error("--to: give the PostgreSQL database, postgres://USER:PASS@HOST:PORT/DB");
  const from = dbPath(o.from);
  if (isPostgresUrl(from)) throw new Error("--from: give the SQLite file to copy from");
  // The bars go to stderr, only on a terminal, so stdout stays the report.
  const showBar = process.stderr.isTTY && !o.json;
  const bars = new MultiBar({ format: "{table} [{bar}] {value}/{total}", stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  const byTable = new Map<string, ReturnType<MultiBar["create"]>>();
  const onProgress = (p: CopyProgress) => {
    if (!showBar) return;
    let bar = byTable.get(p.table);
    if (!bar) byTable.set(p.table, (bar = bars.create(p.total, 0, { table: p.table.padEnd(11) })));
    bar.update(p.done);
  };
  let reports;
  try {
    reports = await copySqliteToPostgres(from, o.to, onProgress);
  } finally {
    if (showBar) bars.stop();
  }
  if (o.json) {
    process.stdout.write(JSON.stringify(reports) + "\n");
    return;
  }
  process.stdout.write(`Copied ${from} to PostgreSQL at ${describePg(o.to)}:\n`);
  for (const r of reports) process.stdout.write(`  ${r.table.padEnd(12)} ${String(r.rows).padStart(10)} rows, ${r.added} new\n`);
  process.stdout.write("Run the same command again to go on after an interruption; serve with --db set to the URL.\n");
}
