import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../server-process.ts";
import { networkFaults, powerCuts, serialNoise } from "./firmware-faults.ts";
import { hostileHttp } from "./hostile-http.ts";
import { ingestKills } from "./ingest-kills.ts";
import type { Profile, ReliabilityRow } from "./reliability-row.ts";

/** Every scenario of issue 8's reliability suite, by the name `--only` takes. */
export const SCENARIOS: Record<string, (profile: Profile) => Promise<ReliabilityRow[]>> = {
  "power-cuts": powerCuts,
  "ingest-kills": ingestKills,
  "network-faults": networkFaults,
  "serial-noise": serialNoise,
  "hostile-http": hostileHttp,
};

/** The rows as a Markdown table. */
export function reliabilityTable(rows: ReliabilityRow[]): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  return [
    "| check | result | target | pass | reproduce with |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${cell(r.check)} | ${cell(r.result)} | ${cell(r.target)} | ${r.pass ? "yes" : "**no**"} | \`${r.command}\` |`),
  ].join("\n");
}

/** Runs the scenarios, prints the table and writes docs/RELIABILITY.md; false when a row fails. */
export async function runReliability(o: { full?: boolean; only?: string; write?: boolean; log?: (line: string) => void }): Promise<boolean> {
  const profile: Profile = o.full ? "full" : "short";
  const names = o.only ? o.only.split(",") : Object.keys(SCENARIOS);
  for (const name of names) if (!SCENARIOS[name]) throw new Error(`no scenario '${name}': ${Object.keys(SCENARIOS).join(", ")}`);
  const log = o.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const rows: ReliabilityRow[] = [];
  for (const name of names) {
    const started = Date.now();
    log(`reliability: ${name} (${profile})…`);
    const got = await SCENARIOS[name]!(profile);
    rows.push(...got);
    log(`reliability: ${name} took ${Math.round((Date.now() - started) / 1000)} s: ${got.every((r) => r.pass) ? "pass" : "FAIL"}`);
  }
  const table = reliabilityTable(rows);
  process.stdout.write(table + "\n");
  if (o.write !== false) {
    const doc = `# Reliability

The promise: nothing acknowledged is ever lost, nothing is stored twice, bad input never breaks it.
\`pnpm test:reliability\` runs the short profile (CI runs it); \`pnpm test:reliability --full\` the long
one. Each row names the command that reproduces it. Every scenario runs the real parts: the
ingest service as a process on SQLite, the firmware as a process reading a simulated NEO-6M on a
pseudo-terminal and talking to the SIM900 emulator on another.

Profile: **${profile}**, ${new Date().toISOString().slice(0, 10)}${o.only ? ` (only ${o.only})` : ""}.

${table}
`;
    writeFileSync(join(REPO, "docs", "RELIABILITY.md"), doc);
  }
  return rows.every((r) => r.pass);
}
