import { describe, expect, it } from "vitest";
import { ingestKills } from "./ingest-kills.ts";

describe("ingest-kills scenario", () => {
  // The suite kills 20 times (pnpm test:reliability --only ingest-kills); three show the scenario works.
  it("kills the server under load and finds every acknowledged fix once", async () => {
    const rows = await ingestKills("short", { kills: 3 });
    expect(rows.map((r) => r.check)).toEqual(["ingest kills: every acknowledged fix present", "ingest kills: nothing stored twice"]);
    for (const r of rows) expect(r.pass, `${r.check}: ${r.result}`).toBe(true);
    expect(rows[0]!.result).toMatch(/^3 kills \(SIGKILL\) under 4 uploaders, [\d,]+ fixes acknowledged/);
  }, 120_000);
});
