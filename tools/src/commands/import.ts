import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { SingleBar, Presets } from "cli-progress";
import { defaultLimits, IMPORT_FORMATS, importFile, openStore, parseTime, type ImportFormat, type ImportResult } from "@kayaktrack/ingest";
import { dbPath } from "../db-path.ts";
import { positiveId } from "../positive-id.ts";

export interface ImportOptions {
  device: string;
  format?: string;
  start?: string;
  db?: string;
  json?: boolean;
}

const fixes = (n: number) => `${n.toLocaleString("en")} ${n === 1 ? "fix" : "fixes"}`;

/**
 * `kayaktrack import FILE… --device ID`: each file is imported whole or not at
 * all; a file that fails is reported and the others go on. Exits 1 if any failed.
 */
export async function importCommand(files: string[], o: ImportOptions): Promise<void> {
  positiveId("--device", o.device);
  if (o.format !== undefined && !IMPORT_FORMATS.includes(o.format as ImportFormat)) {
    throw new Error(`--format must be one of ${IMPORT_FORMATS.join(", ")}`);
  }
  const start = o.start === undefined ? undefined : parseTime(o.start);
  if (o.start !== undefined && start === undefined) throw new Error(`--start must be ISO 8601 or epoch seconds, not '${o.start}'`);
  const deviceId = Number(o.device);
  const store = await openStore(dbPath(o.db));
  const results: ImportResult[] = [];
  let failed = 0;
  try {
    if (!(await store.getDevice(deviceId))) throw new Error(`no device ${deviceId}`);
    const sizes = files.map((f) => {
      try {
        return statSync(f).size;
      } catch {
        return 0;
      }
    });
    // The bar goes to stderr, only on a terminal, so stdout stays the report.
    const bar = new SingleBar({ format: "importing [{bar}] {percentage}% | {file}", stream: process.stderr }, Presets.shades_classic);
    const showBar = process.stderr.isTTY && !o.json;
    if (showBar) bar.start(sizes.reduce((a, b) => a + b, 0), 0, { file: "" });
    let done = 0; // bytes of the files before this one
    for (const [i, file] of files.entries()) {
      if (showBar) bar.update(done, { file: basename(file) });
      // Within a file the bar follows the parser (cli-progress redraws during update() when due).
      const onProgress = (share: number) => showBar && bar.update(done + Math.round(share * sizes[i]!));
      try {
        if (sizes[i]! > defaultLimits.maxImportBytes) {
          throw new Error(`${file} has ${sizes[i]} bytes; the import limit is ${defaultLimits.maxImportBytes} bytes (split the file)`);
        }
        const result = await importFile(
          file,
          readFileSync(file),
          { maxBytes: defaultLimits.maxImportBytes, onProgress, ...(o.format && { format: o.format as ImportFormat }), ...(start !== undefined && { start }) },
          async (fixes) => {
            const [r] = await store.write([{ deviceId, source: "import", fixes }]);
            if (!r || r instanceof Error) throw r ?? new Error("nothing written");
            return r;
          },
        );
        results.push(result);
      } catch (e) {
        failed++;
        if (showBar) bar.stop();
        process.stderr.write(`kayaktrack: ${file}: ${(e as Error).message}; nothing of it was stored\n`);
        if (showBar) bar.start(bar.getTotal(), bar.getProgress() * bar.getTotal(), { file: "" });
      }
      done += sizes[i]!;
      if (showBar) bar.update(done);
    }
    if (showBar) bar.stop();
  } finally {
    await store.close();
  }
  if (o.json) process.stdout.write(JSON.stringify(results) + "\n");
  else {
    for (const r of results) {
      const skipped = Object.entries(r.skipped).map(([why, n]) => `${n} ${why}`).join(", ");
      process.stdout.write(
        `${r.file} (${r.format}): ${fixes(r.stored)} stored, ${r.duplicates} already there, ${r.rejected} rejected` +
          (skipped ? `; skipped ${skipped}` : "") + "\n",
      );
    }
  }
  if (failed > 0) process.exitCode = 1;
}
