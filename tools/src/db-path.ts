import { resolve } from "node:path";

export const DEFAULT_DB = "./data/kayaktrack.db";

/** --db, else KAYAKTRACK_DB, else ./data/kayaktrack.db (relative to where the command runs). */
export function dbPath(option: string | undefined): string {
  return resolve(option ?? process.env.KAYAKTRACK_DB ?? DEFAULT_DB);
}
