import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../server-process.ts";
import { availability } from "./availability.ts";
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
  availability,
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
  const today = new Date().toISOString().slice(0, 10);
  process.stdout.write(reliabilityTable(rows) + "\n");
  if (o.write !== false) {
    const file = join(REPO, "docs", "RELIABILITY.md");
    // With --only, the other scenarios' rows of the same profile stay as they were measured.
    const kept = o.only && existsSync(file) ? scenarioRows(readFileSync(file, "utf8"), profile) : {};
    for (const name of names) kept[name] = { date: today, rows: rows.filter((r) => scenarioOf(r) === name) };
    writeFileSync(file, reliabilityDoc(profile, kept));
  }
  return rows.every((r) => r.pass);
}

type ScenarioRows = Record<string, { date: string; rows: ReliabilityRow[] }>;

/** The scenario a row belongs to, from its command (`… --only NAME`). */
const scenarioOf = (r: ReliabilityRow) => /--only ([\w-]+)/.exec(r.command)?.[1] ?? "";

/** docs/RELIABILITY.md: the table, in SCENARIOS order, and when each scenario was measured. */
export function reliabilityDoc(profile: Profile, scenarios: ScenarioRows): string {
  const names = Object.keys(SCENARIOS).filter((n) => scenarios[n]);
  return `# Reliability

The promise: nothing acknowledged is ever lost, nothing is stored twice, bad input never breaks it.
\`pnpm test:reliability\` runs the short profile (CI runs it); \`pnpm test:reliability --full\` the long
one. Each row names the command that reproduces it. Every scenario runs the real parts: the
ingest service as a process on SQLite, the firmware as a process reading a simulated NEO-6M on a
pseudo-terminal and talking to the SIM900 emulator on another.

Profile: **${profile}**. Measured: ${names.map((n) => `${n} ${scenarios[n]!.date}`).join(", ")}.

${reliabilityTable(names.flatMap((n) => scenarios[n]!.rows))}
`;
}

/** The rows of a reliability doc written for `profile`, by scenario (none for another profile). */
export function scenarioRows(doc: string, profile: Profile): ScenarioRows {
  if (!doc.includes(`Profile: **${profile}**`)) return {};
  const dates = Object.fromEntries([...(/Measured: (.*)\.$/m.exec(doc)?.[1] ?? "").matchAll(/([\w-]+) (\d{4}-\d\d-\d\d)/g)].map((m) => [m[1]!, m[2]!]));
  const out: ScenarioRows = {};
  for (const line of doc.split("\n")) {
    const cells = /^\| (.*) \|$/.exec(line)?.[1]?.split(/(?<!\\) \| /);
    if (!cells || cells.length !== 5 || cells[0] === "check" || cells[0] === "---") continue;
    const unescape = (c: string) => c.replace(/\\\|/g, "|");
    const row: ReliabilityRow = { check: unescape(cells[0]!), result: unescape(cells[1]!), target: unescape(cells[2]!), pass: cells[3] === "yes", command: cells[4]!.replace(/^`|`$/g, "") };
    const name = scenarioOf(row);
    if (!name || !dates[name]) continue;
    (out[name] ??= { date: dates[name]!, rows: [] }).rows.push(row);
  }
  return out;
}
