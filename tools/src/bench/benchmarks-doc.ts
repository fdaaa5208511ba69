import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPO } from "../server-process.ts";

export const BENCHMARKS_MD = join(REPO, "docs", "BENCHMARKS.md");

/** Replaces (or appends) the section between `<!-- bench:NAME -->` markers in docs/BENCHMARKS.md. */
export function writeBenchmarkSection(name: string, markdown: string, file = BENCHMARKS_MD): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  mkdirSync(dirname(file), { recursive: true });
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  const next = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : text.trimEnd() + "\n\n" + block + "\n";
  writeFileSync(file, next);
}
