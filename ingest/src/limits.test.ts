import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultLimits, limitEnvName, limitsFromEnv, type Limits } from "./limits.ts";

describe("limits", () => {
  it("names each limit's environment variable after it", () => {
    expect(limitEnvName("ratePerSec")).toBe("KAYAKTRACK_RATE_PER_SEC");
    expect(limitEnvName("connectionsPerAddress")).toBe("KAYAKTRACK_CONNECTIONS_PER_ADDRESS");
    expect(limitEnvName("burst")).toBe("KAYAKTRACK_BURST");
  });

  it("reads whole numbers from the environment, a fractional rate, and nothing unset", () => {
    expect(limitsFromEnv({ KAYAKTRACK_SHARE_STREAMS_PER_LINK: "5", KAYAKTRACK_RATE_PER_SEC: "0.5", KAYAKTRACK_BURST: "" })).toEqual({ shareStreamsPerLink: 5, ratePerSec: 0.5 });
    expect(limitsFromEnv({})).toEqual({});
  });

  it("refuses a value that is no positive whole number, naming the variable", () => {
    for (const bad of ["0", "-1", "1.5", "0x10", "1e3", "ten", "9007199254740993"]) {
      expect(() => limitsFromEnv({ KAYAKTRACK_HEADERS_TIMEOUT_MS: bad })).toThrow(/KAYAKTRACK_HEADERS_TIMEOUT_MS must be a whole number/);
    }
  });

  it("is the table docs/ARCHITECTURE.md shows, every limit with its default", () => {
    const doc = readFileSync(new URL("../../docs/ARCHITECTURE.md", import.meta.url), "utf8");
    for (const key of Object.keys(defaultLimits) as Array<keyof Limits>) {
      expect(doc).toContain(`| \`${limitEnvName(key)}\` | ${defaultLimits[key].toLocaleString("en")} |`);
    }
    const documented = doc.match(/^\| `KAYAKTRACK_[A-Z_]+` \| [\d,.]+ \|/gm) ?? [];
    expect(documented).toHaveLength(Object.keys(defaultLimits).length);
  });
});
