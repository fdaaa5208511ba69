import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vm from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { fixesFromNmea } from "../src/fix/fix-reader.ts";
import { readLog } from "../src/testing/corpus.ts";
import { FixKeeper } from "../src/fix-keeper.ts";
import type { WireFix } from "../src/wire/batch.ts";
import { encodeBatch } from "../src/wire/batch-writer.ts";
import { buildCore, buildTracker, checkBundle, CORE_MAX_BYTES, MAX_BYTES } from "./build.ts";

const LOG = "telit-he910.log";

/** What the firmware makes of a log: its fixes, and its batches' bytes (40 fixes each, one a second kept). */
const HARNESS = `
var out = { fixes: [], batches: [] }, kept = [];
var p = new kayaktrack.FixReader(function (f) { out.fixes.push(f); });
p.framer.feed(LOG + "\\n"); p.assembler.finish();
var t = new kayaktrack.FixKeeper({ sampler: { minIntervalS: 1, minDistanceM: 0 }, onFix: function (f) { kept.push(f); } });
for (var i = 0; i < LOG.length; i += 64) t.feed(LOG.substring(i, i + 64));
t.finish();
for (var i = 0; i < kept.length; i += 40)
  out.batches.push(Array.prototype.slice.call(kayaktrack.encodeBatch({ device: 5, seq: i, batteryVolts: 3.77, counters: t.counters() }, kept.slice(i, i + 40))));
`;

function fromSources(log: string) {
  const kept: WireFix[] = [];
  const t = new FixKeeper({ sampler: { minIntervalS: 1, minDistanceM: 0 }, onFix: (f) => kept.push(f) });
  for (let i = 0; i < log.length; i += 64) t.feed(log.substring(i, i + 64));
  t.finish();
  const batches: number[][] = [];
  for (let i = 0; i < kept.length; i += 40) batches.push([...encodeBatch({ device: 5, seq: i, batteryVolts: 3.77, counters: t.counters() }, kept.slice(i, i + 40))]);
  return JSON.parse(JSON.stringify({ fixes: fixesFromNmea(log), batches }));
}

let bundle = "";
beforeAll(async () => {
  bundle = await buildTracker();
});

describe("dist/tracker.js", () => {
  it("is ES5, minified, within 44 KB and uses no global the interpreter lacks", () => {
    expect(checkBundle(bundle)).toEqual([]);
    expect(bundle.length).toBeLessThanOrEqual(MAX_BYTES);
    expect(MAX_BYTES).toBe(44 * 1024);
    expect(checkBundle("var m = new Map();")).toEqual(["uses Map at 12"]);
    expect(checkBundle("x: for(;;) break x;")[0]).toMatch(/labelled/);
    expect(checkBundle("let a = 1;")[0]).toMatch(/not ES5/);
    expect(checkBundle("var t = Date.UTC(2020, 0, 1);")).toEqual(["uses Date.UTC at 8"]);
    expect(checkBundle("var r = /^a ?b/;")[0]).toMatch(/regular expression with \? or \{n\}/);
    expect(checkBundle("var r = /^J(\\d{7})$/;")[0]).toMatch(/regular expression/);
    expect(checkBundle("var r = /^(A|B|C|D|E|F|G|H|I|J|K|L)/;")[0]).toMatch(/12 or more alternatives/);
    expect(checkBundle("var r = /^(A|B|C|D|E|F|G|H|I|J|K)|[|||]|\\|\\|/;")).toEqual([]);
    expect(checkBundle("var r = /^\\?x/;")).toEqual([]); // an escaped ? is a character
    // Espruino makes a var when its line runs: the else branch below would overwrite the outer u.
    expect(checkBundle("var u = f; function g(r) { if (r) { for (var u = 0; u < 8; u++); } else for (u = 3; u < 8; u++); }")[0]).toMatch(/var u declared in a block at \d+ is used outside it/);
    expect(checkBundle("function g(s) { for (var i = 0; i < s; i++); return i; }")).toEqual([]);
    // Nor does it hoist a function declaration: one after a return never exists, and a call reaches an outer one.
    expect(checkBundle("function P() {} function boot() { return function () { P(); }; function P() {} }")[0]).toMatch(/function P declared at \d+ after the return at \d+/);
    expect(checkBundle("function boot(e) { if (e) { return 1; } function P() {} }")[0]).toMatch(/function P declared at \d+ after the return at \d+/);
    expect(checkBundle("function boot() { function P() {} var f = function () { return P(); }; return f; }")).toEqual([]);
  });

  it("keeps issue 3's part (NMEA, fixes, sampler, wire encoder, FixKeeper) within 20 KB on its own", async () => {
    const core = await buildCore();
    expect(checkBundle(core)).toEqual([]);
    expect(core.length).toBeLessThanOrEqual(CORE_MAX_BYTES);
  });

  it("runs in a context with only Espruino's globals and gives the sources' fixes and batch bytes", () => {
    const context = vm.createContext({});
    // A fresh realm has every ES2022 global; take away what Espruino lacks.
    vm.runInContext(
      `["Map","Set","WeakMap","WeakSet","Symbol","BigInt","Proxy","Reflect"].forEach(function (k) { delete globalThis[k]; });
       delete Date.UTC; delete Array.from; delete Array.of; delete Math.trunc; delete Math.hypot; delete Math.sign;
       globalThis.global = globalThis; globalThis.KAYAKTRACK_NO_BOOT = true;`,
      context,
    );
    context.LOG = readLog(LOG);
    vm.runInContext(bundle, context);
    vm.runInContext(HARNESS, context);
    const got = JSON.parse(vm.runInContext("JSON.stringify(out)", context) as string);
    const want = fromSources(readLog(LOG));
    expect(want.fixes.length).toBeGreaterThan(100);
    expect(want.batches.length).toBeGreaterThan(1);
    expect(got).toEqual(want);
  });

  it("keeps the modem's error kinds when lowered to ES5 (no Error subclasses)", async () => {
    const context = vm.createContext({});
    vm.runInContext("globalThis.global = globalThis; globalThis.KAYAKTRACK_NO_BOOT = true;", context);
    vm.runInContext(bundle, context);
    // A modem that never answers: the session must fail with kind "power", as an Error.
    context.clock = { setTimeout: (fn: () => void) => setImmediate(fn), clearTimeout: () => {} };
    const error = await new Promise<{ name: string; kind: string; isError: boolean }>((resolve) => {
      context.done = resolve;
      vm.runInContext(
        `new kayaktrack.Sim900({ io: { write: function () {} }, clock: clock, powerKey: { write: function () {} }, apn: "a", url: "http://x/", contentType: "t", token: "k" })
           .upload("x").then(null, function (e) { done({ name: e.name, kind: e.kind, isError: e instanceof Error }); });`,
        context,
      );
    });
    expect(error).toEqual({ name: "ModemError", kind: "power", isError: true });
  });

  const bin = process.env.ESPRUINO_BIN;
  it.skipIf(!bin)(`runs on the Espruino interpreter (ESPRUINO_BIN) with the same results${bin ? "" : " — skipped: set ESPRUINO_BIN to an Espruino binary"}`, async () => {
    // The interpreter has a few thousand JsVars: the log streams from the file and results go out line by line.
    const log = "bu353s4.log";
    const dir = mkdtempSync(join(tmpdir(), "kt-espruino-"));
    writeFileSync(join(dir, "log.nmea"), readLog(log));
    const script = join(dir, "run.js");
    writeFileSync(
      script,
      `global.KAYAKTRACK_NO_BOOT = true;\n${bundle}
var f = E.openFile(${JSON.stringify(join(dir, "log.nmea"))}, "r"), chunk;
var p = new kayaktrack.FixReader(function (fix) { console.log("F" + JSON.stringify(fix)); });
var kept = [], t = new kayaktrack.FixKeeper({ sampler: { minIntervalS: 1, minDistanceM: 0 }, onFix: function (f) { kept.push(f); } });
while ((chunk = f.read(64)) !== undefined) { p.framer.feed(chunk); t.feed(chunk); }
p.assembler.finish(); t.finish();
for (var k = 0; k < kept.length; k += 10) {
  var b = kayaktrack.encodeBatch({ device: 5, seq: k, batteryVolts: 3.77, counters: t.counters() }, kept.slice(k, k + 10)), a = [];
  for (var i = 0; i < b.length; i++) a.push(b[i]);
  console.log("B" + JSON.stringify(a));
}
console.log("@@END");
`,
    );
    const out = await new Promise<string>((resolve, reject) => {
      // The interpreter needs a standard input that stays open and silent (../shared/espruino-target.md): a pipe we never write.
      const child = spawn(bin!, [script], { stdio: ["pipe", "pipe", "pipe"] });
      let text = "";
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`no result from the interpreter: ${text.slice(-500)}`));
      }, 50_000);
      child.stdout.on("data", (d) => {
        text += d;
        if (/Uncaught/.test(text)) {
          clearTimeout(timer);
          child.kill();
          reject(new Error(`the interpreter failed: ${text.slice(-800)}`));
        } else if (text.includes("@@END")) {
          clearTimeout(timer);
          child.kill();
          resolve(text);
        }
      });
    });
    const lines = out.split(/\r?\n/);
    const fixes = lines.filter((l) => l.startsWith("F{")).map((l) => JSON.parse(l.slice(1)));
    const batches = lines.filter((l) => l.startsWith("B[")).map((l) => JSON.parse(l.slice(1)));

    const want: { fixes: Array<Record<string, number>>; batches: number[][] } = { fixes: [], batches: [] };
    const kept: WireFix[] = [];
    const t = new FixKeeper({ sampler: { minIntervalS: 1, minDistanceM: 0 }, onFix: (f) => kept.push(f) });
    t.feed(readLog(log));
    t.finish();
    for (let k = 0; k < kept.length; k += 10) want.batches.push([...encodeBatch({ device: 5, seq: k, batteryVolts: 3.77, counters: t.counters() }, kept.slice(k, k + 10))]);
    want.fixes = JSON.parse(JSON.stringify(fixesFromNmea(readLog(log))));
    expect(batches).toEqual(want.batches);
    expect(fixes.length).toBe(want.fixes.length);
    // Espruino prints numbers with about 14 significant digits.
    fixes.forEach((f, i) => {
      for (const [k, v] of Object.entries(want.fixes[i]!)) expect(f[k], `fix ${i} ${k}`).toBeCloseTo(v, 9);
    });
  });

  it.skipIf(!bin)(`keeps the SD journal through Espruino's file API (ESPRUINO_BIN)${bin ? "" : " — skipped: set ESPRUINO_BIN to an Espruino binary"}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-espruino-card-"));
    const run = async (body: string) => {
      const script = join(dir, "run.js");
      writeFileSync(script, `global.KAYAKTRACK_NO_BOOT = true;\n${bundle}\nvar files = new kayaktrack.EspruinoFiles(${JSON.stringify(dir)});\n${body}\nconsole.log("@@END");\n`);
      return new Promise<string>((resolve, reject) => {
        const child = spawn(bin!, [script], { stdio: ["pipe", "pipe", "pipe"] });
        let text = "";
        const timer = setTimeout(() => (child.kill(), reject(new Error(text.slice(-500)))), 30_000);
        child.stdout.on("data", (d) => {
          text += d;
          if (/Uncaught/.test(text) || text.includes("@@END")) {
            clearTimeout(timer);
            child.kill();
            if (/Uncaught/.test(text)) reject(new Error(text.slice(-800)));
            else resolve(text);
          }
        });
      });
    };
    // First boot: ten fixes, one batch of six acknowledged. Second boot: the rest is there.
    await run(`var j = new kayaktrack.Journal({ files: files, maxFileBytes: 300 }); j.open();
      for (var i = 0; i < 10; i++) j.append({ time: 1750000000 + i * 10, lat: 61.1 + i / 10000, lon: 8.4, alt: 412, speed: 2.1, course: 45, hdop: 0.9, sats: 9 });
      var b = j.nextBatch(6); j.acknowledge(b.seq);`);
    const out = await run(`var j = new kayaktrack.Journal({ files: files, maxFileBytes: 300 }); j.open();
      var p = j.nextBatch(100); console.log("P" + JSON.stringify(p.fixes.map(function (f) { return f.time; })) + " " + JSON.stringify(files.list().sort()));`);
    const line = out.split(/\r?\n/).find((l) => l.startsWith("P"))!;
    expect(line).toMatch(/^P\[1750000060,1750000070,1750000080,1750000090\] \[/);
    expect(line).toMatch(/"C0000001.TXT"/);
    expect(line).toMatch(/"J0000002.TXT"/);
  });

  it.skipIf(!bin)(`costs fewer JsVars run from a board's saved code (.bootcde in flash) than loaded as a script (ESPRUINO_BIN)${bin ? "" : " — skipped: set ESPRUINO_BIN to an Espruino binary"}`, async () => {
    // The interpreter for Linux emulates flash in ./espruino.flash: the code is saved there as the tools save it
    // on a board (Storage, .bootcde) and run from it at start, as a board runs it at power-on.
    const dir = mkdtempSync(join(tmpdir(), "kt-espruino-flash-"));
    const code = `global.KAYAKTRACK_NO_BOOT = true;\n${bundle}\nsetTimeout(function () { console.log("U" + process.memory().usage); console.log("@@END"); }, 300);\n`;
    writeFileSync(join(dir, "boot.js"), code);
    writeFileSync(join(dir, "save.js"), `require("Storage").write(".bootcde", require("fs").readFileSync("boot.js")); console.log("S" + require("Storage").read(".bootcde").length); console.log("@@END");`);
    const run = (args: string[]) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(bin!, args, { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
        let text = "";
        const timer = setTimeout(() => (child.kill("SIGKILL"), reject(new Error(text.slice(-500)))), 30_000);
        child.stdout.on("data", (d) => {
          text += d;
          if (!text.includes("@@END")) return;
          clearTimeout(timer);
          child.kill("SIGKILL");
          resolve(text);
        });
      });
    const value = (text: string, tag: string) => Number(new RegExp(`^${tag}(\\d+)`, "m").exec(text.replace(/\x1b\[[0-9;]*[A-Za-z]|>/g, ""))?.[1]);
    expect(value(await run(["save.js"]), "S")).toBe(code.length);
    const fromFlash = value(await run([]), "U");
    const asScript = value(await run(["boot.js"]), "U");
    console.info(`the tracker's code loaded: ${fromFlash} JsVars from flash, ${asScript} as a script`);
    expect(fromFlash).toBeGreaterThan(100);
    expect(fromFlash).toBeLessThan(asScript);
    // A Pico has 5,100 JsVars. Measured from the emulated flash of a 5,100-JsVar build (2v29 with a3f085979): the
    // running tracker 2,785 after start-up, and the 10,000-fix run peaks 846 over its start-up: 3,631. The code's
    // own share may grow to 2,000 before that margin (1,470) halves.
    expect(fromFlash).toBeLessThanOrEqual(2000);
  });

  // firmware/README.md, "Espruino pitfalls": each way the interpreter and Node differ that bit the firmware.
  const PITFALLS = `
var out = [];
// Rounding: Espruino's Math.round takes a negative half away from zero, its toFixed rounds halves down.
var fixes = [
  { time: 1796500000.05, lat: 59.9, lon: -10.722495, alt: -0.5, speed: 0.25, course: 359.5, hdop: 0.45, sats: 8 },
  { time: 1796500001.15, lat: -33.0000005, lon: -70.5000005, alt: -2.5, speed: 0.35, course: 0.5, hdop: 2.5, sats: 12 },
  { time: 4294967296.1, lat: 0.0000005, lon: 179.9999995, alt: 49999.5, speed: 399.95, course: 180.5, hdop: 99.95, sats: 254 },
];
var b = kayaktrack.encodeBatch({ device: 5, seq: 17965000000, batteryVolts: 3.775, counters: [2147483648, 4294967296] }, fixes), a = [];
for (var i = 0; i < b.length; i++) a.push(b[i]);
out.push("B" + JSON.stringify(a));
// Numbers over 2^31 in text: the journal's lines and the cursor's seq.
var files = { data: {}, size: function (n) { return (this.data[n] || "").length; }, append: function (n, d) { this.data[n] = (this.data[n] || "") + d; },
  read: function (n, o, l) { return (this.data[n] || "").substr(o, l); }, list: function () { return Object.keys(this.data); }, remove: function (n) { delete this.data[n]; } };
var j = new kayaktrack.Journal({ files: files }); j.open();
for (var i = 0; i < fixes.length; i++) j.append(fixes[i]);
var batch = j.nextBatch(10);
out.push("J" + JSON.stringify(files.data) + " " + batch.seq);
// Typed-array stores of negatives and fractions: the encoder refuses what it cannot write.
try { kayaktrack.encodeBatch({ device: 5, seq: -5227411420, batteryVolts: null, counters: [] }, fixes); out.push("E none"); } catch (e) { out.push("E " + e.message); }
try { kayaktrack.encodeBatch({ device: 5, seq: 0.5, batteryVolts: null, counters: [] }, fixes); out.push("F none"); } catch (e) { out.push("F " + e.message); }
`;

  it("gives the same batch bytes and journal lines in Node for the interpreter's pitfalls (rounding, numbers over 2^31, refused values)", () => {
    const context = vm.createContext({});
    vm.runInContext("globalThis.global = globalThis; globalThis.KAYAKTRACK_NO_BOOT = true;", context);
    vm.runInContext(bundle, context);
    vm.runInContext(PITFALLS, context);
    const out = vm.runInContext("out", context) as string[];
    expect(out[2]).toBe("E varint: cannot encode -5227411420");
    expect(out[3]).toBe("F varint: cannot encode 0.5");
    expect(out[1]).toMatch(/^J\{"J0000001.TXT":"1796500000\.1,59\.9,-10\.722495,-0\.5,0\.25,359\.5,0\.5,8\*[0-9a-f]{4}\\n/);
  });

  it.skipIf(!bin)(`gives the same batch bytes and journal lines on the interpreter as in Node; its clock moves without storming or stopping timers (ESPRUINO_BIN)${bin ? "" : " — skipped: set ESPRUINO_BIN to an Espruino binary"}`, async () => {
    const context = vm.createContext({});
    vm.runInContext("globalThis.global = globalThis; globalThis.KAYAKTRACK_NO_BOOT = true;", context);
    vm.runInContext(bundle, context);
    vm.runInContext(PITFALLS, context);
    const want = vm.runInContext("out", context) as string[];
    const dir = mkdtempSync(join(tmpdir(), "kt-espruino-pitfalls-"));
    const script = join(dir, "run.js");
    // The clock: set 19.6 years back, then 3 years ahead, as a GPS with the week-rollover bug and one far ahead would.
    // Espruino's own setTime() made a 100 ms interval fire thousands of times (back) or never again (ahead).
    writeFileSync(
      script,
      `global.KAYAKTRACK_NO_BOOT = true;\n${bundle}\n${PITFALLS}
for (var i = 0; i < out.length; i++) console.log(out[i]);
var clock = kayaktrack.espruinoClock(), ticks = 0, started = Date.now();
setInterval(function () { ticks++; }, 100);
clock.setTime(clock.now() - 619315200000);
var back = clock.now();
setTimeout(function () {
  clock.setTime(clock.now() + 3 * 365 * 86400000 + 619315200000);
  setTimeout(function () { console.log("T " + ticks + " " + Math.round((Date.now() - started) / 100) + " " + Math.round((back - started) / 86400000)); console.log("@@END"); }, 1000);
}, 1000);
`,
    );
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(bin!, [script], { stdio: ["pipe", "pipe", "pipe"] });
      let text = "";
      const timer = setTimeout(() => (child.kill("SIGKILL"), reject(new Error(`no result from the interpreter: ${text.slice(-500)}`))), 30_000);
      child.stdout.on("data", (d) => {
        text += d;
        if (/Uncaught/.test(text) || text.includes("@@END")) {
          clearTimeout(timer);
          child.kill("SIGKILL");
          if (/Uncaught/.test(text)) reject(new Error(text.slice(-800)));
          else resolve(text);
        }
      });
    });
    // Espruino's console redraws its ">" prompt with terminal escapes (ESC [J).
    const lines = out.split(/\r?\n/).map((l) => l.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/^[>\r]+/, ""));
    expect(lines.filter((l) => /^[BJEF] /.test(l) || /^[BJ][[{]/.test(l))).toEqual(want);
    const [, ticks, tenths, daysBack] = /^T (\d+) (\d+) (-?\d+)/.exec(lines.find((l) => l.startsWith("T "))!)!.map(Number);
    expect(daysBack, "the clock went back 1,024 weeks").toBe(-7168);
    // About one tick per 100 ms over the 2 s: neither a storm nor a stall.
    expect(ticks).toBeGreaterThanOrEqual(tenths! - 5);
    expect(ticks).toBeLessThanOrEqual(tenths! + 2);
  });
});
