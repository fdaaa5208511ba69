import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTracker } from "@kayaktrack/firmware/build";
import { nmeaPipeline } from "@kayaktrack/firmware/pipeline";
import { REPO } from "../server-process.ts";
import { writeBenchmarkSection } from "./benchmarks-doc.ts";

export interface ParseBenchOptions {
  json?: boolean;
  write?: boolean;
}

const CORPUS = join(REPO, "..", "shared", "corpora", "gpsd");

/**
 * The naive parser it is measured against: split lines and fields, GGA only,
 * no checksum. Kept as plain ES5 source so that the same code runs on Node and
 * on the interpreter.
 */
const NAIVE_SOURCE = `function naiveGga(text) {
  var lines = text.split("\\n"), n = 0;
  for (var i = 0; i < lines.length; i++) {
    var f = lines[i].split(",");
    if (f[0].substr(3, 3) !== "GGA" || f[6] === "0" || f[2] === "") continue;
    var lat = parseInt(f[2].substr(0, 2), 10) + parseFloat(f[2].substr(2)) / 60;
    var lon = parseInt(f[4].substr(0, 3), 10) + parseFloat(f[4].substr(3)) / 60;
    if (lat === lat && lon === lon) n++;
  }
  return n;
}`;
// eslint-disable-next-line no-new-func
const naiveGga = new Function(`${NAIVE_SOURCE}; return naiveGga;`)() as (text: string) => number;

/** Every sentence line of the corpus, CR LF ended. */
function corpusText(): string {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith(".log"))
    .flatMap((f) => readFileSync(join(CORPUS, f), "latin1").split(/\r?\n/).filter((l) => l.startsWith("$")))
    .join("\r\n") + "\r\n";
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The full parser as the tracker runs it: 64-character serial chunks through framing, checksum and decoding. */
function fullParse(text: string): number {
  const p = nmeaPipeline(() => {});
  for (let i = 0; i < text.length; i += 64) p.framer.feed(text.substring(i, i + 64));
  return p.decoder.parsed + p.decoder.unknown + p.decoder.badChecksum + p.decoder.malformed;
}

/**
 * On the interpreter (a few thousand JsVars) a sample of the corpus, every
 * n-th sentence to about 10 KB, is parsed 5 times by each parser.
 */
async function onInterpreter(bin: string, corpus: string) {
  const all = corpus.split("\r\n").filter((l) => l);
  const step = Math.ceil(all.length / 150);
  const sample = all.filter((_, i) => i % step === 0).join("\r\n") + "\r\n";
  const dir = mkdtempSync(join(tmpdir(), "kt-parse-"));
  writeFileSync(join(dir, "sample.nmea"), sample);
  const script = join(dir, "bench.js");
  writeFileSync(
    script,
    `global.KAYAKTRACK_NO_BOOT = true;\n${await buildTracker()}\n${NAIVE_SOURCE}
var text = require("fs").readFileSync(${JSON.stringify(join(dir, "sample.nmea"))});
var lines = text.split("\\n").length - 1, runs = 5, r, i;
var p = kayaktrack.nmeaPipeline(function () {});
var t0 = getTime();
for (r = 0; r < runs; r++) for (i = 0; i < text.length; i += 64) p.framer.feed(text.substring(i, i + 64));
var full = runs * lines / (getTime() - t0);
t0 = getTime();
for (r = 0; r < runs; r++) naiveGga(text);
var naive = runs * lines / (getTime() - t0);
console.log("@@" + JSON.stringify({ full: full, naive: naive, jsVars: E.getSizeOf(p), lines: lines }) + "@@");
`,
  );
  return new Promise<{ full: number; naive: number; jsVars: number; lines: number }>((resolve, reject) => {
    // Its standard input must stay open and silent: a pipe that is never written.
    const child = spawn(bin, [script], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /@@(.*)@@/.exec(out);
      if (m) {
        child.kill();
        resolve(JSON.parse(m[1]!));
      }
    });
    child.on("exit", () => reject(new Error(`the interpreter gave no result: ${out.slice(-300)}`)));
  });
}

/** `pnpm bench:parse`: sentences per second of the full parser beside a naive GGA-only one, on Node and on ESPRUINO_BIN. */
export async function benchParse(options: ParseBenchOptions): Promise<void> {
  const once = corpusText();
  const sentences = once.split("\r\n").length - 1;
  const text = once.repeat(Math.ceil(200_000 / sentences));
  const total = text.split("\r\n").length - 1;
  const full: number[] = [];
  const naive: number[] = [];
  for (let run = 0; run < 7; run++) {
    let t = performance.now();
    fullParse(text);
    full.push(total / ((performance.now() - t) / 1000));
    t = performance.now();
    naiveGga(text);
    naive.push(total / ((performance.now() - t) / 1000));
  }
  const node = { full: Math.round(median(full)), naive: Math.round(median(naive)) };
  const bin = process.env.ESPRUINO_BIN;
  const espruino = bin ? await onInterpreter(bin, once) : undefined;
  const result = { sentences: total, node, espruino: espruino ?? null };
  const fmt = (n: number) => Math.round(n).toLocaleString("en");
  const md = [
    "## NMEA parsing (`pnpm bench:parse`)",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)}: every sentence of the gpsd corpus (${sentences.toLocaleString("en")} lines), fed in 64-character`,
    "chunks through framing, checksum and decoding (what the tracker runs), beside a naive parser that splits lines and fields",
    "and reads GGA only, without checksums. Medians of 7 interleaved runs.",
    "",
    "| where | full parser, sentences/s | naive GGA-only, sentences/s | full ÷ naive | parser JsVars |",
    "| --- | ---: | ---: | ---: | ---: |",
    `| Node ${process.version} | ${fmt(node.full)} | ${fmt(node.naive)} | ${(node.full / node.naive).toFixed(2)} | n/a |`,
    espruino
      ? `| Espruino (${bin}) | ${fmt(espruino.full)} | ${fmt(espruino.naive)} | ${(espruino.full / espruino.naive).toFixed(2)} | ${espruino.jsVars} |`
      : "| Espruino | not measured: set ESPRUINO_BIN to an interpreter | | | |",
    ...(espruino ? ["", `On the interpreter: a ${espruino.lines}-sentence sample of the corpus, 5 times each; JsVars are E.getSizeOf of the whole pipeline (framer, decoder, assembler).`] : []),
    "",
    `- on the interpreter, full parsing at least as fast as the naive parser: ${espruino ? (espruino.full >= espruino.naive ? "met" : "NOT met") : "not measured"}`,
  ].join("\n");
  process.stdout.write(md + "\n");
  if (options.json) process.stdout.write(JSON.stringify(result) + "\n");
  if (options.write !== false) writeBenchmarkSection("parse", md);
}
