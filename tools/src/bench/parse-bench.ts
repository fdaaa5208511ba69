import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTracker } from "@kayaktrack/firmware/build";
import { FixReader } from "@kayaktrack/firmware/fix-reader";
import { corpusLogs, readLog } from "@kayaktrack/firmware/testing/gpsd-corpus";
import { writeBenchmarkSection } from "./benchmarks-doc.ts";
import { median } from "./median.ts";

export interface ParseBenchOptions {
  json?: boolean;
  write?: boolean;
}

/**
 * The naive parser it is measured against, in the way of Espruino's own GPS
 * module (modules/GPS.js): append serial data to a line buffer, cut lines with
 * indexOf, split each into fields, read GGA only, no checksum. Plain ES5
 * source, so that the same code runs on Node and on the interpreter, fed the
 * same 64-character chunks as the full parser.
 */
const NAIVE_SOURCE = `function naiveGga(text) {
  var buf = "", n = 0;
  function handle(line) {
    if (line.substr(3, 3) !== "GGA") return;
    var d = line.split(",");
    var dlat = d[2].indexOf("."), dlon = d[4].indexOf(".");
    var fix = { lat: (parseInt(d[2].substr(0, dlat - 2), 10) + parseFloat(d[2].substr(dlat - 2)) / 60) * (d[3] == "S" ? -1 : 1),
      lon: (parseInt(d[4].substr(0, dlon - 2), 10) + parseFloat(d[4].substr(dlon - 2)) / 60) * (d[5] == "W" ? -1 : 1),
      fix: parseInt(d[6], 10), satellites: parseInt(d[7], 10), altitude: parseFloat(d[9]) };
    if (fix.fix > 0) n++;
  }
  for (var i = 0; i < text.length; i += 64) {
    buf += text.substring(i, i + 64);
    var idx = buf.indexOf("\\n");
    while (idx >= 0) {
      handle(buf.substr(0, idx));
      buf = buf.substr(idx + 1);
      idx = buf.indexOf("\\n");
    }
    if (buf.length > 80) buf = buf.substr(-80);
  }
  return n;
}`;
// eslint-disable-next-line no-new-func
const naiveGga = new Function(`${NAIVE_SOURCE}; return naiveGga;`)() as (text: string) => number;

/** Every sentence line of the corpus, CR LF ended. */
function corpusText(): string {
  return corpusLogs()
    .flatMap((log) => readLog(log).split(/\r?\n/).filter((l) => l.startsWith("$")))
    .join("\r\n") + "\r\n";
}


/** The full parser as the tracker runs it: 64-character serial chunks through framing, checksum and decoding. */
function fullParse(text: string): number {
  const p = new FixReader(() => {});
  for (let i = 0; i < text.length; i += 64) p.framer.feed(text.substring(i, i + 64));
  return p.decoder.parsed + p.decoder.unknown + p.decoder.badChecksum + p.decoder.malformed;
}

/** The tracker's framer alone, its sentences dropped: the floor under any parser that cuts lines. */
function frameOnly(text: string): void {
  const Framer = new FixReader(() => {}).framer.constructor as new (onSentence: (s: string) => void) => { feed(chunk: string): void };
  const f = new Framer(() => {});
  for (let i = 0; i < text.length; i += 64) f.feed(text.substring(i, i + 64));
}

/**
 * On the interpreter (a few thousand JsVars) a sample of the corpus, every
 * n-th sentence to about 10 KB, is parsed 7 times by each parser in turn.
 */
async function onInterpreter(bin: string, corpus: string) {
  const all = corpus.split("\r\n").filter((l) => l);
  const step = Math.ceil(all.length / 150);
  const sample = all.filter((_, i) => i % step === 0).join("\r\n") + "\r\n";
  const bundle = await buildTracker();
  const dir = mkdtempSync(join(tmpdir(), "kt-parse-"));
  writeFileSync(join(dir, "sample.nmea"), sample);
  const script = join(dir, "bench.js");
  writeFileSync(
    script,
    `global.KAYAKTRACK_NO_BOOT = true;\n${bundle}\n${NAIVE_SOURCE}
var text = require("fs").readFileSync(${JSON.stringify(join(dir, "sample.nmea"))});
var lines = text.split("\\n").length - 1, full = [], naive = [], framing = [], p, t0, i, r, f;
for (r = 0; r < 7; r++) {
  p = new kayaktrack.FixReader(function () {});
  t0 = getTime();
  for (i = 0; i < text.length; i += 64) p.framer.feed(text.substring(i, i + 64));
  full.push(lines / (getTime() - t0));
  t0 = getTime();
  naiveGga(text);
  naive.push(lines / (getTime() - t0));
  f = new p.framer.constructor(function () {});
  t0 = getTime();
  for (i = 0; i < text.length; i += 64) f.feed(text.substring(i, i + 64));
  framing.push(lines / (getTime() - t0));
}
function median(xs) { xs.sort(function (a, b) { return a - b; }); return xs[3]; }
full = median(full); naive = median(naive); framing = median(framing);
// What a pipeline holds after parsing the sample: JsVars in use with it, less without it
// (process.memory() collects garbage first). E.getSizeOf(p) would also count the code its
// callbacks can reach, the whole bundle.
p = undefined;
var without = process.memory().usage;
p = new kayaktrack.FixReader(function () {});
for (i = 0; i < text.length; i += 64) p.framer.feed(text.substring(i, i + 64));
var held = process.memory().usage - without;
console.log("@@" + JSON.stringify({ full: full, naive: naive, framing: framing, jsVars: held, lines: lines }) + "@@");
`,
  );
  const measured = new Promise<{ full: number; naive: number; framing: number; jsVars: number; lines: number }>((resolve, reject) => {
    // Its standard input must stay open and silent: a pipe that is never written.
    const child = spawn(bin, [script], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /@@(.*)@@/.exec(out);
      if (m) {
        child.kill();
        try {
          resolve(JSON.parse(m[1]!));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    });
    child.on("error", reject); // no interpreter at that path
    child.on("exit", () => reject(new Error(`the interpreter gave no result: ${out.slice(-300)}`)));
  });
  return measured.finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** `pnpm bench:parse`: sentences per second of the full parser beside a naive GGA-only one, on Node and on ESPRUINO_BIN. */
export async function benchParse(options: ParseBenchOptions): Promise<void> {
  const once = corpusText();
  const sentences = once.split("\r\n").length - 1;
  const text = once.repeat(Math.ceil(200_000 / sentences));
  const total = text.split("\r\n").length - 1;
  const full: number[] = [];
  const naive: number[] = [];
  const framing: number[] = [];
  for (let run = 0; run < 7; run++) {
    let t = performance.now();
    fullParse(text);
    full.push(total / ((performance.now() - t) / 1000));
    t = performance.now();
    naiveGga(text);
    naive.push(total / ((performance.now() - t) / 1000));
    t = performance.now();
    frameOnly(text);
    framing.push(total / ((performance.now() - t) / 1000));
  }
  const node = { full: Math.round(median(full)), naive: Math.round(median(naive)), framing: Math.round(median(framing)) };
  const bin = process.env.ESPRUINO_BIN;
  const espruino = bin ? await onInterpreter(bin, once) : undefined;
  const result = { sentences: total, node, espruino: espruino ?? null };
  const fmt = (n: number) => Math.round(n).toLocaleString("en");
  const md = [
    "## NMEA parsing (`pnpm bench:parse`)",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)}: every sentence of the gpsd corpus (${sentences.toLocaleString("en")} lines), fed in 64-character`,
    "chunks through framing, checksum and decoding (what the tracker runs), beside a naive parser in the way of Espruino's GPS",
    "module (a line buffer cut with indexOf, fields by split, GGA only, no checksum) fed the same chunks. Medians of 7 interleaved runs.",
    "",
    "| where | full parser, sentences/s | naive GGA-only, sentences/s | full ÷ naive | framing alone, sentences/s | framing ÷ naive | parser JsVars |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| Node ${process.version} | ${fmt(node.full)} | ${fmt(node.naive)} | ${(node.full / node.naive).toFixed(2)} | ${fmt(node.framing)} | ${(node.framing / node.naive).toFixed(2)} | n/a |`,
    espruino
      ? `| Espruino (${bin}) | ${fmt(espruino.full)} | ${fmt(espruino.naive)} | ${(espruino.full / espruino.naive).toFixed(2)} | ${fmt(espruino.framing)} | ${(espruino.framing / espruino.naive).toFixed(2)} | ${espruino.jsVars} |`
      : "| Espruino | not measured: set ESPRUINO_BIN to an interpreter | | | | | |",
    "",
    "Framing alone is the tracker's framer with its sentences dropped: cutting lines, no checksum and no decoding, the floor under the full parser.",
    ...(espruino ? [`On the interpreter: a ${espruino.lines}-sentence sample of the corpus, medians of 7 interleaved runs; JsVars are those a pipeline (framer, decoder, assembler) holds after parsing the sample: process.memory().usage with it less without it.`] : []),
    "",
    // The "as fast as the naive parser" target is retired: what the board pays is the cost of each epoch.
    `- cost per epoch on the interpreter (the tracker's GPS sends an RMC and a GGA a second; two sentences at the corpus's mean cost): ${espruino ? `${((2 / espruino.full) * 1000).toFixed(2)} ms on this machine's interpreter (a Pico at 84 MHz is slower)` : "not measured"}`,
  ].join("\n");
  process.stdout.write(md + "\n");
  if (options.json) process.stdout.write(JSON.stringify(result) + "\n");
  if (options.write !== false) writeBenchmarkSection("parse", md);
}
