import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GPSD_CORPUS } from "../src/testing/gpsd-corpus.ts";
import { runCorpus } from "./corpus.ts";

/** Receivers the parser was not tuned on, from sources other than gpsd's logs (src/nmea/testdata/README.md). */
const OTHER_RECEIVERS = join(import.meta.dirname, "../src/nmea/testdata");

describe("the parser against gpsd", () => {
  it("on the shared corpus: matches at least 99% of gpsd's fixes; the phantoms are the ones docs/corpus.md explains", () => {
    const { expected, matched, phantom } = runCorpus(GPSD_CORPUS);
    expect(expected).toBeGreaterThan(1000);
    expect(matched / expected).toBeGreaterThanOrEqual(0.99);
    // docs/corpus.md accounts for each of these; more would be a regression.
    expect(phantom).toBeLessThanOrEqual(26);
  });

  it("on other receivers' logs (src/nmea/testdata): at least 99%, the phantoms docs/corpus.md explains", () => {
    const { results, expected, matched, phantom } = runCorpus(OTHER_RECEIVERS);
    expect(results.length).toBeGreaterThanOrEqual(10);
    expect(expected).toBeGreaterThan(250);
    expect(matched / expected).toBeGreaterThanOrEqual(0.99);
    expect(phantom).toBeLessThanOrEqual(2);
  });

  it("read as the tracker reads (no sentence believed alone): at least 97% on both, receivers with one position sentence an epoch among them", () => {
    for (const dir of [GPSD_CORPUS, OTHER_RECEIVERS]) {
      const { expected, matched, phantom } = runCorpus(dir, false, true);
      expect(matched / expected).toBeGreaterThanOrEqual(0.97);
      expect(phantom).toBeLessThanOrEqual(30);
    }
  });
});
