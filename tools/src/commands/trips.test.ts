import { describe, expect, it } from "vitest";
import { runCli, tempDb } from "../server-process.ts";

describe("kayaktrack trips settings", () => {
  it("shows the thresholds with their units, sets some, and names a wrong one", async () => {
    const db = tempDb("kt-trips-");
    const shown = await runCli(["trips", "settings", "--db", db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("after a pause of more than 30 min (--gap)");

    const set = await runCli(["trips", "settings", "--db", db, "--gap", "45m", "--min-distance", "500"]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("Trips will be split again");
    const json = await runCli(["trips", "settings", "--db", db, "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ gapS: 2700, minDistanceM: 500, stationaryS: 1200 });

    const wrong = await runCli(["trips", "settings", "--db", db, "--min-distance", "far"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("--min-distance far: a number of metres from 0 metres to 1000000 metres");
    expect(JSON.parse((await runCli(["trips", "settings", "--db", db, "--json"])).stdout)).toMatchObject({ minDistanceM: 500 });
  }, 60_000);
});
