import { describe, expect, it } from "vitest";
import { LOGS, randomSplits, readLog } from "../testing/corpus.ts";
import { NmeaFramer } from "./nmea-framer.ts";

/** Sentences and counters from feeding `text` in the given chunks. */
function frame(chunks: string[]) {
  const out: string[] = [];
  const f = new NmeaFramer((s) => out.push(s));
  for (const c of chunks) f.feed(c);
  return { out, garbage: f.garbage, overlong: f.overlong, truncated: f.truncated };
}

describe("NmeaFramer", () => {
  it.each(LOGS)("frames %s identically whole, byte by byte and in random splits", (log) => {
    const text = readLog(log);
    const whole = frame([text]);
    expect(whole.out.length).toBeGreaterThan(0);
    expect(frame([...text])).toEqual(whole);
    for (const seed of [1, 2, 3]) expect(frame(randomSplits(text, seed))).toEqual(whole);
  });

  it("skips garbage, drops over-long lines and counts sentences cut by the next '$'", () => {
    const long = "$GPGSV," + "1".repeat(120) + "*00";
    const { out, garbage, overlong, truncated } = frame([`noise\r\n$GPGGA,1*00\r\n${long}\r\n$GPRMC,cut$GPVTG,2*00\n`]);
    expect(out).toEqual(["$GPGGA,1*00", "$GPVTG,2*00"]);
    expect(garbage).toBe(5);
    expect(overlong).toBe(1);
    expect(truncated).toBe(1);
  });
});
