import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { requiredModules, trackerCode } from "./tracker-code.ts";

describe("trackerCode", () => {
  it("is the config assigned to KAYAKTRACK_CONFIG, then the bundle unchanged", () => {
    const code = trackerCode({ device: 3, token: "t" }, "(function(){})();\n");
    expect(code).toBe('KAYAKTRACK_CONFIG={"device":3,"token":"t"};\n(function(){})();\n');
  });

  it("keeps the code ASCII: other characters of the config become \\u escapes that give them back", () => {
    const config = { apnPassword: "pässwörd \u2028 🛶", server: 'http://a/"q"\\' };
    const code = trackerCode(config, "");
    expect(code).toMatch(/^[\x0a\x20-\x7e]*$/);
    const sandbox: { KAYAKTRACK_CONFIG?: unknown } = {};
    vm.runInNewContext(code, sandbox);
    expect(sandbox.KAYAKTRACK_CONFIG).toEqual(config);
  });
});

describe("requiredModules", () => {
  it("lists each module required by name, once", () => {
    expect(requiredModules('var a=require("fs"),b=require( \'Storage\' ),c=require("fs");x.require2("no")')).toEqual(["fs", "Storage"]);
    expect(requiredModules("global.require(\"fs\")")).toEqual(["fs"]);
    expect(requiredModules("var x=1")).toEqual([]);
  });
});
