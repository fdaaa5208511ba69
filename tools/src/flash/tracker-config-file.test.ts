import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfig } from "@kayaktrack/firmware/config";
import { Refusal } from "./refusal.ts";
import { readTrackerConfigFile } from "./tracker-config-file.ts";

const dir = mkdtempSync(join(tmpdir(), "kayaktrack-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const refusal = (f: () => unknown): Refusal => {
  try {
    f();
  } catch (e) {
    if (e instanceof Refusal) return e;
    throw e;
  }
  throw new Error("no refusal");
};

describe("readTrackerConfigFile", () => {
  it("returns the file's object as written and the config over the defaults", () => {
    const json = { device: 5, token: "abc", server: "http://example.org", uploadEveryS: 120 };
    const r = readTrackerConfigFile(file("ok.json", JSON.stringify(json)));
    expect(r.json).toEqual(json);
    expect(r.config).toMatchObject({ ...json, apn: "internet" });
  });

  it("refuses with every problem checkConfig finds, one per line", () => {
    const bad = { device: -1, server: "ftp://x", apn: 3, colour: "red" };
    const e = refusal(() => readTrackerConfigFile(file("bad.json", JSON.stringify(bad))));
    expect(e.problems).toEqual(checkConfig([bad]).errors);
    expect(e.problems.length).toBe(6); // device twice (range, then missing), server, apn, colour, token
    for (const p of e.problems) expect(e.message).toContain(`\n  ${p}`);
  });

  it("refuses a file that is missing, not JSON, or not an object", () => {
    expect(refusal(() => readTrackerConfigFile(join(dir, "missing.json"))).message).toMatch(/cannot read the tracker config .*missing\.json/);
    expect(refusal(() => readTrackerConfigFile(file("broken.json", "{device:"))).message).toMatch(/broken\.json is not JSON/);
    expect(refusal(() => readTrackerConfigFile(file("array.json", "[1]"))).message).toMatch(/array\.json must hold a JSON object/);
  });
});
