import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Real SIM800/SIM900 serial captures (modem/testdata/, each file names its
 * source): `> ` lines are what the host sent (a command, CR added), `>> ` a
 * body sent after DOWNLOAD without CR, `< ` the module's bytes as a JSON
 * string, `# expect: ` a reading of the capture itself.
 */
export const CAPTURE_DIR = join(import.meta.dirname, "../modem/testdata");
export const CAPTURES = readdirSync(CAPTURE_DIR).filter((f) => f.endsWith(".txt")).sort();

export interface Exchange {
  /** what the host sent (undefined: bytes before any command) */
  command: string | undefined;
  /** sent after the DOWNLOAD prompt, without CR (a `>>` line) */
  data: string | undefined;
  /** the module's bytes, in the reads the capture shows */
  reads: string[];
  expects: string[];
}

export const readCapture = (file: string) => readFileSync(join(CAPTURE_DIR, file), "utf8");

export function parseCapture(text: string): Exchange[] {
  const out: Exchange[] = [];
  let x: Exchange = { command: undefined, data: undefined, reads: [], expects: [] };
  for (const line of text.split("\n")) {
    if (line.startsWith(">> ")) x.data = line.slice(3); // the body: same exchange, its OK follows
    else if (line.startsWith("> ")) {
      if (x.command !== undefined || x.reads.length) out.push(x);
      x = { command: line.slice(2), data: undefined, reads: [], expects: [] };
    } else if (line.startsWith("< ")) x.reads.push(JSON.parse(`"${line.slice(2)}"`) as string);
    else if (line.startsWith("# expect: ")) x.expects.push(line.slice(10));
  }
  out.push(x);
  return out;
}
