import type { Fix } from "../fix.ts";
import { sortFixes } from "../fix.ts";
import type { WriteResult } from "../store/store.ts";
import { parseImport, type ImportFormat, type ImportOptions, type OnProgress } from "./parse-import.ts";

export interface ImportResult {
  file: string;
  format: ImportFormat;
  /** fixes read from the file */
  fixes: number;
  stored: number;
  /** already stored (the same device and time): importing a file twice adds nothing */
  duplicates: number;
  /** outside the sanity bounds or unreadable */
  rejected: number;
  /** lines or elements that are not fixes, by reason */
  skipped: Record<string, number>;
}

/**
 * Imports one file: parse it whole, check every fix, then write them in one
 * transaction, so a bad file stores nothing and a good one all of its fixes.
 */
export async function importFile(
  name: string,
  bytes: Uint8Array,
  options: ImportOptions & { onProgress?: OnProgress },
  write: (fixes: Fix[]) => Promise<WriteResult>,
): Promise<ImportResult> {
  const parsed = parseImport(name, bytes, options, options.onProgress);
  const { fixes, rejected } = sortFixes(parsed.fixes);
  const result = fixes.length > 0 ? await write(fixes) : { storedCount: 0, duplicates: 0 };
  return {
    file: name,
    format: parsed.format,
    fixes: parsed.fixes.length,
    stored: result.storedCount,
    duplicates: result.duplicates,
    rejected,
    skipped: parsed.skipped,
  };
}
