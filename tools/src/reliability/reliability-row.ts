/** short: the CI profile, minutes; full: the long one (`pnpm test:reliability --full`). */
export type Profile = "short" | "full";

/** One line of docs/RELIABILITY.md's table. */
export interface ReliabilityRow {
  /** e.g. "ingest kills: acknowledged fixes present" */
  check: string;
  /** the figure, e.g. "20 kills, 48,210 acknowledged, 0 missing" */
  result: string;
  /** e.g. "0 missing" */
  target: string;
  pass: boolean;
  /** the exact command that reproduces this row */
  command: string;
}
