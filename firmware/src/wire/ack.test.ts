import { describe, expect, it } from "vitest";
import { formatAck, parseAck } from "./ack.ts";

describe("acknowledgement", () => {
  it("round-trips, with and without settings", () => {
    expect(formatAck({ seq: 300, stored: 3, duplicates: 0, rejected: 0 })).toBe("A 300 3 0 0\n");
    expect(parseAck("A 300 3 0 0\n")).toEqual({ seq: 300, stored: 3, duplicates: 0, rejected: 0, settings: [] });
    const a = { seq: 7, stored: 1, duplicates: 2, rejected: 0, settings: ["every=300", "after=60"] };
    expect(parseAck(formatAck(a))).toEqual(a);
  });

  it("is undefined for anything else", () => {
    for (const body of ["", "OK", "A 1 2 3", "A 1 2 x 4", '{"error":"bad"}', "B 1 2 3 4"]) expect(parseAck(body)).toBeUndefined();
  });
});
