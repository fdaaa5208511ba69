import { describe, expect, it } from "vitest";
import { powerKeyLine, readPowerKeyLine } from "./power-key-line.ts";

describe("the PWRKEY console line", () => {
  it("reads back what it prints, and nothing else", () => {
    expect([powerKeyLine(true), powerKeyLine(false)]).toEqual(["PWRKEY 1", "PWRKEY 0"]);
    expect([readPowerKeyLine(powerKeyLine(true)), readPowerKeyLine(powerKeyLine(false))]).toEqual([true, false]);
    for (const other of ["PWRKEY 2", "PWRKEY 1 ", "kayaktrack: PWRKEY 1", "{}"]) expect(readPowerKeyLine(other)).toBeUndefined();
  });
});
