import { describe, expect, it } from "vitest";
import { GPSD_CORPUS } from "../src/testing/gpsd-corpus.ts";
import { runCorpus } from "./corpus.ts";

describe("the parser against gpsd on the corpus", () => {
  it("matches at least 99% of gpsd's fixes; the phantoms are the ones docs/corpus.md explains", () => {
    const { expected, matched, phantom } = runCorpus(GPSD_CORPUS);
    expect(expected).toBeGreaterThan(1000);
    expect(matched / expected).toBeGreaterThanOrEqual(0.99);
    // docs/corpus.md accounts for each of these; more would be a regression.
    expect(phantom).toBeLessThanOrEqual(26);
  });
});
