import { describe, expect, it } from "vitest";
import { runCli } from "../server-process.ts";

describe("kayaktrack bench parse", () => {
  it("parses the corpus with the firmware's parser, a naive one and framing alone, and ends with one JSON line", async () => {
    const { code, stdout, stderr } = await runCli(["bench", "parse", "--json", "--no-write"], { ESPRUINO_BIN: "" });
    expect(code, stderr).toBe(0);
    const r = JSON.parse(stdout.trimEnd().split("\n").at(-1)!);
    expect(r.sentences).toBeGreaterThan(100_000);
    for (const k of ["full", "naive", "framing"]) expect(r.node[k]).toBeGreaterThan(0);
    // Without an interpreter the Espruino figures are left out, not made up.
    expect(r.espruino).toBeNull();
  }, 60_000);

  it.runIf(process.env.ESPRUINO_BIN)("also parses on the Espruino interpreter when ESPRUINO_BIN names one", async () => {
    const { code, stdout, stderr } = await runCli(["bench", "parse", "--json", "--no-write"]);
    expect(code, stderr).toBe(0);
    const r = JSON.parse(stdout.trimEnd().split("\n").at(-1)!);
    for (const k of ["full", "naive", "framing"]) expect(r.espruino[k]).toBeGreaterThan(0);
  }, 120_000);
});
