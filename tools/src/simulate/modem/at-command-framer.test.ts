import { describe, expect, it } from "vitest";
import { AtCommandFramer } from "./at-command-framer.ts";

/** Every line and data block the framer gives, pulled after each chunk as the emulator does. */
function frame(chunks: Array<string | Uint8Array>): string[] {
  const f = new AtCommandFramer();
  const out: string[] = [];
  let owed = 0;
  let data = "";
  for (const c of chunks) {
    f.feed(c);
    for (;;) {
      if (owed > 0) {
        const got = f.take(owed).toString("latin1");
        data += got;
        owed -= got.length;
        if (owed > 0) break;
        out.push("data:" + data);
        continue;
      }
      const line = f.nextLine();
      if (line === undefined) break;
      out.push(line);
      const m = /^AT\+HTTPDATA=(\d+)/.exec(line);
      if (m) {
        owed = Number(m[1]);
        data = "";
      }
    }
  }
  if (f.buffered) out.push("left:" + f.take(f.buffered).toString("latin1"));
  return out;
}

describe("AtCommandFramer", () => {
  const input = "AT\rATE0\r\nAT+CSQ\rAT+HTTPDATA=5,1000\r\r\n\x00\xffATX\rAT+CPOWD=1";

  it("cuts lines at CR, drops the LF of CR LF, and takes raw bytes on request", () => {
    expect(frame([input])).toEqual(["AT", "ATE0", "AT+CSQ", "AT+HTTPDATA=5,1000", "data:\r\n\x00\xffA", "TX", "left:AT+CPOWD=1"]);
  });

  it("gives the same whatever the chunking, strings or bytes", () => {
    const whole = frame([input]);
    expect(frame([...input])).toEqual(whole);
    expect(frame([...Buffer.from(input, "latin1")].map((b) => Uint8Array.of(b)))).toEqual(whole);
    expect(frame([input.slice(0, 7), input.slice(7, 30), input.slice(30)])).toEqual(whole);
    const long = "x".repeat(AtCommandFramer.MAX_LINE + 3) + "\r" + input;
    expect(frame([...long])).toEqual(frame([long]));
  });

  it("takes only what has come, and drops an overlong line without CR", () => {
    const f = new AtCommandFramer();
    f.feed("abc");
    expect(f.take(10).toString()).toBe("abc");
    f.feed("x".repeat(AtCommandFramer.MAX_LINE + 1));
    expect(f.nextLine()).toBeUndefined();
    expect(f.buffered).toBe(0);
    f.feed("y\rAT\r"); // the rest of the overlong line goes too
    expect(f.nextLine()).toBe("AT");
    f.feed("y".repeat(AtCommandFramer.MAX_LINE + 5) + "\rATE0\r");
    expect(f.nextLine()).toBe("ATE0");
  });
});
