import { describe, expect, it } from "vitest";
import { CAPTURES, parseCapture as parse, readCapture, type Exchange } from "../testing/at-captures.ts";
import { randomSplits } from "../testing/corpus.ts";
import { attachState, bearerStatus, httpAction, registration, signal, simState } from "./at-answers.ts";
import { AtChannel, isAtError, type AtResponse } from "./at-channel.ts";
import { AtLineFramer } from "./at-line-framer.ts";

/**
 * Real SIM800/SIM900 modules' serial output, as their users captured it in
 * public issue threads and forums (testdata/, each file names its source): the
 * oracle of the AT layer. Each capture is replayed command by command through
 * AtChannel, the module's bytes fed as captured, whole, byte by byte and in
 * random splits, and every `# expect:` line (a reading of the capture itself)
 * is checked against what the driver makes of it.
 */
/** What the AT layer made of one exchange. */
interface Seen {
  result: string;
  response: AtResponse | undefined;
  urcs: string[];
}

/** Replays a capture; `split` cuts each exchange's bytes into the chunks the serial port delivers. */
async function replay(exchanges: Exchange[], split: (reads: string[]) => string[]): Promise<Seen[]> {
  let timeout: (() => void) | undefined;
  let urcs: string[] = [];
  const at = new AtChannel({
    io: { write() {} },
    clock: { setTimeout: (fn) => (timeout = fn), clearTimeout: () => (timeout = undefined) },
    onUrc: (line) => urcs.push(line),
  });
  const seen: Seen[] = [];
  for (const x of exchanges) {
    urcs = [];
    let outcome: Promise<Seen> | undefined;
    if (x.command !== undefined) {
      outcome = at.command(x.command, 2000, x.data).then(
        (response) => ({ result: "ok", response, urcs }),
        (e: unknown) => {
          if (!isAtError(e)) throw e;
          const result = e.kind === "timeout" ? "none" : e.kind === "cme" ? "cme " + e.message.replace(/^.*?\+CM[ES] ERROR: /, "") : "error";
          return { result, response: undefined, urcs };
        },
      );
    }
    for (const chunk of split(x.reads)) at.feed(chunk);
    // No final result in the capture: the command's time runs out.
    if (timeout) timeout();
    seen.push(outcome ? await outcome : { result: "none", response: undefined, urcs });
  }
  return seen;
}

/** The lines of bytes, framed as the driver frames them (for an answer whose OK never came, which the channel drops). */
function framed(x: Exchange): AtResponse {
  const lines: string[] = [];
  const framer = new AtLineFramer({ line: (l) => lines.push(l), prompt() {}, payload() {} });
  framer.feed(x.reads.join("") + "\r\n");
  return { lines, payload: "" };
}

/** Checks one exchange's expectations; returns the ones that do not hold. */
function misses(x: Exchange, s: Seen): string[] {
  // A command without a final result in the capture: what the module did say is still read by content.
  const r = s.response ?? (s.result === "none" ? framed(x) : undefined);
  const lines = r ? r.lines : [];
  const own = x.command ? /^AT(\+[A-Z]+)/i.exec(x.command)?.[1] : undefined;
  const ok = (e: string): boolean => {
    const [key, ...rest] = e.split(" ");
    const value = rest.join(" ");
    switch (key) {
      case "result":
        return s.result === value;
      case "answer":
        // DOWNLOAD is the prompt for the data; a line after the final result (AT+CIPSTATUS's STATE:) reaches onUrc: never lost.
        if (value === "DOWNLOAD") return x.data !== undefined;
        return !r || lines.includes(value) || s.urcs.includes(value);
      case "sim":
        return !!r && simState(r) === value;
      case "rssi":
        return !!r && signal(r) === Number(value);
      case "creg":
        return !!r && registration(r) === Number(value);
      case "cgreg":
        return !!r && registration(r, "+CGREG:") === Number(value);
      case "cgatt":
        return !!r && attachState(r) === Number(value);
      case "bearer":
        return !!r && bearerStatus(r) === Number(value);
      case "http":
        return s.urcs.some((u) => httpAction(u)?.join(" ") === value);
      case "urc":
        // A line with the command's own prefix is read as its answer (found by content), not passed on as unsolicited.
        return s.urcs.includes(value) || (!!own && value.startsWith(own + ":") && (lines.includes(value) || !r));
      default:
        return false;
    }
  };
  return x.expects.filter((e) => !ok(e));
}

const modes: Array<[string, (reads: string[]) => string[]]> = [
  ["as captured", (reads) => reads],
  ["whole", (reads) => [reads.join("")]],
  ["byte by byte", (reads) => [...reads.join("")]],
  ["in random splits", (reads) => randomSplits(reads.join(""), reads.join("").length, 7)],
];

describe("real SIM800/SIM900 captures (testdata/)", () => {
  it("holds at least ten captures, each naming its source, with expectations", () => {
    expect(CAPTURES.length).toBeGreaterThanOrEqual(10);
    for (const f of CAPTURES) {
      const text = readCapture(f);
      expect(text.startsWith("# source: "), f).toBe(true);
      expect(parse(text).flatMap((x) => x.expects).length, f).toBeGreaterThan(0);
    }
  });

  describe.each(modes)("fed %s", (_, split) => {
    it.each(CAPTURES)("%s: every expectation holds", async (file) => {
      const exchanges = parse(readCapture(file));
      const seen = await replay(exchanges, split);
      const wrong = exchanges.flatMap((x, i) => misses(x, seen[i]!).map((e) => `${x.command ?? "(no command)"}: expected ${e}, saw ${seen[i]!.result} ${JSON.stringify(seen[i]!.response?.lines ?? [])} urcs ${JSON.stringify(seen[i]!.urcs)}`));
      expect(wrong).toEqual([]);
    });
  });
});
