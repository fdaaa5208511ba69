import { describe, expect, it } from "vitest";
import { reliabilityDoc, scenarioRows } from "./reliability-suite.ts";

const row = (name: string, check: string, pass = true) => ({
  check,
  result: "3 kills | 0 missing", // a pipe in a cell is escaped in the table
  target: "0 missing",
  pass,
  command: `pnpm test:reliability --only ${name} --full`,
});

describe("docs/RELIABILITY.md", () => {
  it("reads back the rows and dates it wrote, so that --only replaces one scenario's rows and keeps the others", () => {
    const scenarios = {
      "power-cuts": { date: "2026-12-03", rows: [row("power-cuts", "power cuts: a", false), row("power-cuts", "power cuts: b")] },
      "hostile-http": { date: "2026-11-24", rows: [row("hostile-http", "hostile HTTP: c")] },
    };
    const doc = reliabilityDoc("full", scenarios);
    expect(doc).toContain("Measured: power-cuts 2026-12-03, hostile-http 2026-11-24.");
    expect(doc).toContain("| **no** |");
    expect(scenarioRows(doc, "full")).toEqual(scenarios);
    expect(scenarioRows(doc, "short")).toEqual({}); // another profile's figures are not mixed in
  });
});
