import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "acorn";
import { ancestor, simple } from "acorn-walk";
import { build, type Plugin } from "esbuild";
import { minify } from "terser";
import ts from "typescript";

/**
 * `pnpm --filter @kayaktrack/firmware build`: firmware/src/main.ts → dist/tracker.js,
 * one minified ES5 file for the Espruino interpreter. TypeScript lowers each
 * file to ES5 (esbuild cannot lower classes or let/const that far); esbuild
 * bundles and minifies. The result must then pass acorn at ecmaVersion 5 and
 * use none of the globals and syntax the interpreter lacks.
 */
export const FIRMWARE = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE = join(FIRMWARE, "dist", "tracker.js");
/**
 * The whole tracker: 44 KB (issue 4 allowed 32; issue 20's real-world handling, of modems' unsolicited
 * lines, SIM errors, more NMEA, dates and the clock, took it past 35; issue 24's SOS, its button, its
 * card record and its wire version, to 39.5; issue 26's presets and power states past 40). The Pico
 * keeps 48 KB of saved code and runs it from
 * flash, where the interpreter leaves function bodies (jsparse.c: native strings): the code costs
 * about 1,750 JsVars so, within the 2,000 the budget allows, and the running tracker peaks near 3,700
 * of the Pico's 5,100 (bundle.test.ts measures the first; firmware/README.md, Espruino pitfalls).
 * Loaded as a script, as the interpreter for Linux runs it, it costs its text twice while loading.
 * The parser, sampler and wire format alone are about 11 KB.
 */
export const MAX_BYTES = 44 * 1024;

/** Globals Espruino lacks (../shared/espruino-target.md) and members of globals it lacks. */
const FORBIDDEN_GLOBALS = ["Map", "Set", "WeakMap", "WeakSet", "Symbol", "BigInt", "Proxy", "Reflect", "globalThis"];
const FORBIDDEN_MEMBERS = ["Date.UTC", "Array.from", "Array.of", "Math.trunc", "Math.hypot", "Math.sign", "Number.EPSILON", "Object.setPrototypeOf"];

const toEs5: Plugin = {
  name: "typescript-to-es5",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const out = ts.transpileModule(readFileSync(args.path, "utf8"), {
        fileName: args.path,
        compilerOptions: { target: ts.ScriptTarget.ES5, module: ts.ModuleKind.ESNext, allowImportingTsExtensions: true, verbatimModuleSyntax: false },
      });
      return { contents: shareProtos(out.outputText), loader: "js" };
    });
  },
};

/**
 * Names of `private` members, which esbuild may shorten (mangleProps): the
 * interpreter keeps every property name as text in RAM and in the saved code.
 * A name is left alone when anything else declares it (a public member, an
 * interface field, an object key: it may be read from outside, as JSON or by
 * the host) or when a built-in object has it.
 */
export function privateNames(dir = join(FIRMWARE, "src")): string[] {
  const privates = new Set<string>();
  const others = new Set<string>();
  const visit = (node: ts.Node) => {
    const isMember = ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isParameter(node);
    if (isMember && node.name && ts.isIdentifier(node.name)) {
      const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) ?? [] : [];
      const isPrivate = mods.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword);
      if (isPrivate) privates.add(node.name.text);
      else if (!ts.isParameter(node) || mods.length) others.add(node.name.text);
    } else if ((ts.isPropertySignature(node) || ts.isMethodSignature(node) || ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node) || ts.isMethodDeclaration(node)) && ts.isIdentifier(node.name)) {
      others.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  for (const file of readdirSync(dir, { recursive: true }) as string[]) {
    if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
    visit(ts.createSourceFile(file, readFileSync(join(dir, file), "utf8"), ts.ScriptTarget.Latest));
  }
  const builtins = [Object.prototype, Array.prototype, String.prototype, Function.prototype, Promise.prototype, Uint8Array.prototype, Error.prototype, Math, JSON, Object, Date.prototype];
  return [...privates].filter((n) => !others.has(n) && !builtins.some((b) => n in b)).sort();
}

/**
 * TypeScript's ES5 classes repeat `Name.prototype.` for every method; one
 * local alias per class saves about 9 bytes a method in the minified file.
 */
function shareProtos(js: string): string {
  const names = new Set([...js.matchAll(/^ {4}(\w+)\.prototype\.\w+ = /gm)].map((m) => m[1]!));
  for (const name of names) {
    const first = js.indexOf(`    ${name}.prototype.`);
    js = js.slice(0, first) + `    var ${name}_ = ${name}.prototype;\n` + js.slice(first).replaceAll(`${name}.prototype.`, `${name}_.`);
  }
  return js;
}

/** Problems that keep a bundle off the interpreter; empty when it is fit. */
export function checkBundle(code: string): string[] {
  const problems: string[] = [];
  let ast;
  try {
    ast = parse(code, { ecmaVersion: 5, sourceType: "script" });
  } catch (e) {
    return [`not ES5: ${(e as Error).message}`];
  }
  simple(ast, {
    Identifier(node) {
      if (FORBIDDEN_GLOBALS.includes(node.name)) problems.push(`uses ${node.name} at ${node.start}`);
    },
    MemberExpression(node) {
      if (node.object.type === "Identifier" && node.property.type === "Identifier" && !node.computed) {
        const name = `${node.object.name}.${node.property.name}`;
        if (FORBIDDEN_MEMBERS.includes(name)) problems.push(`uses ${name} at ${node.start}`);
      }
    },
    LabeledStatement(node) {
      problems.push(`a labelled statement at ${node.start}`);
    },
    Literal(node) {
      // Espruino 2v29's regular expressions lack the ? and {n} quantifiers (measured on the interpreter).
      const re = (node as { regex?: { pattern: string } }).regex;
      if (re && /(^|[^\\])(\?|\{\d)/.test(re.pattern)) problems.push(`a regular expression with ? or {n} at ${node.start}: /${re.pattern}/`);
      // It also leaks a JsVar each time an alternation of 12 or more fails to match (measured on 2v29).
      if (re && mostAlternatives(re.pattern) >= 12) problems.push(`a regular expression with 12 or more alternatives at ${node.start} (Espruino leaks memory on each failed match): /${re.pattern}/`);
    },
  });
  // Espruino creates a function declaration when its statement runs (measured on 2v29): one after a
  // statement that may return or throw may never exist, and calls of its name reach an outer function.
  ancestor(ast, {
    FunctionDeclaration(node, _state, path) {
      const block = path[path.length - 2] as { body?: unknown };
      const body = Array.isArray(block.body) ? (block.body as AcornNode[]) : [];
      const exit = body.filter((s) => s.start < node.start).map(exitIn).find((e) => e !== undefined);
      if (exit) problems.push(`function ${node.id?.name} declared at ${node.start} after the ${exit.type === "ReturnStatement" ? "return" : "throw"} at ${exit.start}: never created on Espruino`);
    },
  });
  // Espruino creates a `var` when its statement runs, not when the function starts (measured on
  // 2v29): a var declared inside a block or loop head and used outside it may, when that block did
  // not run, reach an outer variable of the same name. (terser's hoist_vars avoids most.)
  ancestor(ast, {
    VariableDeclaration(node, _state, path) {
      const parent = path[path.length - 2]!;
      const owner = path[path.length - 3];
      if (parent.type === "Program" || (parent.type === "BlockStatement" && owner && /Function/.test(owner.type))) return;
      const scope = [...path].reverse().find((n) => n !== node && /Function|Program/.test(n.type))!;
      // A loop head among the function's own statements always runs: what follows it may use its vars.
      const holder = path[path.length - 3];
      const alwaysRuns = /^For/.test(parent.type) && (holder?.type === "Program" || (holder?.type === "BlockStatement" && /Function/.test(path[path.length - 4]?.type ?? "")));
      const reaches = (at: number) => at >= parent.start && (alwaysRuns || at < parent.end);
      for (const d of node.declarations) {
        const name = (d.id as { name: string }).name;
        simple(scope, {
          Identifier(ref) {
            if (ref.name === name && !reaches(ref.start)) problems.push(`var ${name} declared in a block at ${node.start} is used outside it at ${ref.start}`);
          },
        });
      }
    },
  });
  if (code.length > MAX_BYTES) problems.push(`${code.length} bytes; at most ${MAX_BYTES}`);
  return problems;
}

/** Issue 3's part alone (NMEA pipeline, sampler, wire encoder, FixKeeper): its own limit, so that the rest keeps room. */
export const CORE_MAX_BYTES = 20 * 1024;
/** The entry of that part, bundled on its own to measure it. */
const CORE_ENTRY = `
import { FixReader, fixesFromNmea } from "./src/fix/fix-reader.ts";
import { FixKeeper } from "./src/fix-keeper.ts";
import { encodeBatch } from "./src/wire/batch-writer.ts";
global.kayaktrack = { FixKeeper: FixKeeper, fixesFromNmea: fixesFromNmea, FixReader: FixReader, encodeBatch: encodeBatch };
`;

/** Bundles, lowers to ES5 and minifies an entry (a file, or source text resolved from firmware/). */
async function bundle(entry: { file: string } | { contents: string }): Promise<string> {
  const result = await build({
    ...("file" in entry ? { entryPoints: [entry.file] } : { stdin: { contents: entry.contents, resolveDir: FIRMWARE, loader: "js" as const } }),
    bundle: true,
    format: "iife",
    target: "es5",
    minify: true,
    write: false,
    charset: "ascii",
    legalComments: "none",
    plugins: [toEs5],
    mangleProps: new RegExp(`^(${privateNames().join("|")})$`),
    logLevel: "silent",
  });
  // terser's second look finds about 2% more than esbuild's minifier (inlining, joined statements).
  // hoist_vars: Espruino creates a `var` only when its statement runs, so a var declared in one
  // branch and assigned in another would write to an outer variable of the same short name.
  // hoist_funs: Espruino creates a function declaration only when its statement runs, too (measured on
  // 2v29): terser put boot's after its return, where they never ran, and calls reached outer functions
  // of the same short names. At the top of their function they run first.
  // pure_getters: the firmware defines no getters, so reading a property has no side effect.
  const smaller = await minify(result.outputFiles[0]!.text, {
    ecma: 5,
    compress: { passes: 3, hoist_vars: true, hoist_funs: true, pure_getters: true },
    mangle: { toplevel: true },
    toplevel: true,
    format: { ascii_only: true },
  });
  return smaller.code!;
}

/** Builds the bundle in memory and checks it; throws with every problem found. */
export async function buildTracker(): Promise<string> {
  const code = await bundle({ file: join(FIRMWARE, "src", "main.ts") });
  const problems = checkBundle(code);
  if (problems.length) throw new Error(`dist/tracker.js is not fit for Espruino:\n  ${problems.join("\n  ")}`);
  return code;
}

/** Issue 3's part bundled alone, checked like the whole and against CORE_MAX_BYTES. */
export async function buildCore(): Promise<string> {
  const code = await bundle({ contents: CORE_ENTRY });
  const problems = checkBundle(code);
  if (code.length > CORE_MAX_BYTES) problems.push(`${code.length} bytes; at most ${CORE_MAX_BYTES}`);
  if (problems.length) throw new Error(`the firmware core is not fit for Espruino:\n  ${problems.join("\n  ")}`);
  return code;
}

type AcornNode = { type: string; start: number; end: number };

/** The first return or throw a statement may run, outside functions nested in it. */
function exitIn(statement: AcornNode): AcornNode | undefined {
  let found: AcornNode | undefined;
  const visit = (n: unknown): void => {
    if (found || !n || typeof n !== "object") return;
    const node = n as AcornNode & Record<string, unknown>;
    if (node.type === "ReturnStatement" || node.type === "ThrowStatement") {
      found = node;
      return;
    }
    if (/Function/.test(String(node.type))) return;
    for (const key of Object.keys(node)) {
      const v = node[key];
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === "object" && "type" in v) visit(v);
    }
  };
  visit(statement);
  return found;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const code = await buildTracker();
    const core = await buildCore();
    mkdirSync(dirname(BUNDLE), { recursive: true });
    writeFileSync(BUNDLE, code);
    console.log(`wrote ${BUNDLE}: ${code.length} bytes (limit ${MAX_BYTES}), ES5, Espruino globals only`);
    console.log(`of which the core (NMEA, fixes, sampler, wire format): ${core.length} bytes alone (limit ${CORE_MAX_BYTES})`);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}

/** The most alternatives (`a|b|c` is 3) in any one group of a regular expression's source. */
export function mostAlternatives(pattern: string): number {
  const counts = [1];
  let most = 1;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") counts.push(1);
    else if (c === ")") most = Math.max(most, counts.pop() ?? 1);
    else if (c === "|") counts[counts.length - 1]!++;
  }
  return Math.max(most, ...counts);
}
