import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "..", "..");
const DEPCRUISE = join(REPO, "node_modules", ".bin", "depcruise");
/** Every package's sources, scripts and tests. */
const SOURCES = ["firmware/src", "firmware/scripts", "ingest/src", "map-ui/src", "tools/src", "tools/bin", "test/src"];

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: Array<{ name: string }>;
}

/** The violations of .dependency-cruiser.cjs's rules among `sources`, as dependency-cruiser finds them from `cwd`. */
async function violations(cwd: string, sources: string[]): Promise<Violation[]> {
  const { stdout } = await promisify(execFile)(DEPCRUISE, ["--config", join(REPO, ".dependency-cruiser.cjs"), "--output-type", "json", ...sources], { cwd, maxBuffer: 1 << 28 }).catch(
    // depcruise exits 1 when it finds violations; its report is still on stdout.
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? "" }),
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const describeViolation = (v: Violation) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(" → ")})` : ""}`;

describe("the simulator's folders (issue 23)", () => {
  it("are the ones docs/ARCHITECTURE.md's diagram lists, in the order of its data path", () => {
    const doc = readFileSync(join(REPO, "docs", "ARCHITECTURE.md"), "utf8");
    const diagram = /```\ntools\/src\/simulate\/\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
    const listed = [...diagram.matchAll(/^ {2}(\w+)\/ /gm)].map((m) => m[1]);
    const folders = readdirSync(join(REPO, "tools", "src", "simulate"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(listed).toEqual(["world", "gps", "serial", "runner", "modem", "relay"]);
    expect([...folders].sort()).toEqual([...listed].sort());
  });
});

describe("imports (issue 23)", () => {
  it("flow one way in every package, type-only ones included, and reach another package only by its name", async () => {
    expect((await violations(REPO, SOURCES)).map(describeViolation)).toEqual([]);
  }, 120_000);

  it("are checked for real: a cycle, a type-only one and a path into another package are found", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-arch-"));
    try {
      const file = (path: string, text: string) => {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      };
      file("tsconfig.base.json", JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, module: "nodenext", noEmit: true } }));
      file("ingest/src/a.ts", 'import { b } from "./b.ts";\nexport const a = () => b;\n');
      file("ingest/src/b.ts", 'import type { T } from "./c.ts";\nexport const b: T = 1;\n');
      file("ingest/src/c.ts", 'import { a } from "./a.ts";\nexport type T = number;\nexport const c = a;\n');
      file("tools/src/d.ts", 'import { c } from "../../ingest/src/c.ts";\nexport const d = c;\n');
      const found = (await violations(dir, ["ingest/src", "tools/src"])).map((v) => v.rule.name);
      expect(found).toContain("no-circular");
      expect(found).toContain("no-reach-into-another-package");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
