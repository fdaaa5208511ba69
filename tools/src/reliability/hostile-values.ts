import { BATCH_MEDIA_TYPE } from "@kayaktrack/firmware/wire";
import type { Dice } from "./dice.ts";

export const WEIRD: unknown[] = [
  "1", "abc", "", " ", [], [1, 2], {}, { a: 1 }, null, true, false, -1, 0, 1.5, -0.5, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 64,
  "NaN", "Infinity", "-Infinity", "1e308", "1e999", "0x1F", " 12 ", "١٢", "12abc", "\u0000", "9".repeat(400), "2024-13-45T99:99:99Z",
];
/** Bare JSON tokens that are not JSON numbers, or numbers JSON.parse turns into Infinity. */
export const RAW_TOKENS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "-0", "1E+400", "00012", ".5", "+1", "0x10", "undefined", "'x'", "1_000"];
export const SQL = [
  "' OR 1=1 --",
  '"; DROP TABLE fixes; --',
  "1; DROP TABLE fixes",
  "1 OR 1=1",
  "' UNION SELECT token_hash FROM devices --",
  "1' AND randomblob(1000000000) --",
  "%' --",
  "\\'; DELETE FROM devices; --",
  "1)) OR ((1=1",
];
export const BAD_JSON = [
  "{", "}", '{"device": 1, "seq":', "{'device': 1}", '{"device": 1,}', "{device: 1}", "[", "[]", '"str"', "1", "null", "true",
  '{"a":1}}', '{"a":1} {"b":2}', "\u0000", '{"fixes": [1, 2,]}', '{"a":"\\ud800"}', '{"a": 01}', '{"a": 1e}', '{"a": -}',
  '\ufeff{"device":1}', " ", "", '{"__proto__": {"polluted": 1}}', '{"constructor": {"prototype": {"polluted": 1}}}',
  "[".repeat(200_000), '{"a":'.repeat(50_000) + "1" + "}".repeat(50_000), '{"a":"' + "\\".repeat(10_001) + '"}',
];

/** Sets obj[path] as an own property, even `__proto__`. */
function setPath(obj: unknown, path: Array<string | number>, value: unknown): void {
  let o = obj as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) o = o[key] as Record<string | number, unknown>;
  Object.defineProperty(o, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON of obj with path set to a hostile value: a JSON value of the wrong type, or a bare token JSON has not. */
export function withHostile(dice: Dice, obj: unknown, path: Array<string | number>): { text: string; what: string } {
  if (dice.chance(0.3)) {
    const token = dice.pick(RAW_TOKENS);
    setPath(obj, path, "@@RAW@@");
    return { text: JSON.stringify(obj).replace('"@@RAW@@"', token), what: `${path.join(".")}=${token}` };
  }
  const v = dice.pick(WEIRD);
  setPath(obj, path, v);
  return { text: JSON.stringify(obj), what: `${path.join(".")}=${JSON.stringify(v)?.slice(0, 20)}` };
}

export const TRAVERSALS = [
  "/../../etc/passwd", "/../../../../../../etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
  "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..%252f..%252f..%252fetc%252fpasswd", "/%252e%252e/%252e%252e/etc/passwd",
  "/assets/..%2f..%2fpackage.json", "/assets/../../package.json", "/assets/..%2f..%2f..%2fpackage.json", "/assets/%2e%2e/%2e%2e/package.json",
  "/assets/..\\..\\package.json", "/assets/..%5c..%5cpackage.json", "/..%c0%af..%c0%afetc/passwd", "/..%ef%bc%8f..%ef%bc%8fetc/passwd",
  "/%2fetc%2fpasswd", "//etc/passwd", "/etc/passwd", "/proc/self/environ", "/../../proc/self/environ", "/..%2f..%2fproc%2fself%2fenviron",
  "/package.json", "/../package.json", "/.%2e/package.json", "/%2e./package.json", "/map-ui/package.json", "/favicon.svg/../../package.json",
  "/index.html/..%2f..%2fpackage.json", "/....//....//etc/passwd", "/.../.../etc/passwd", "/s/..%2f..%2fpackage.json", "/s/../../../etc/passwd",
  "/index.html%00.png", "/assets/%00", "/etc/passwd%00.js", "/%00/etc/passwd", "/\u0000/etc/passwd", "/index.html\u0000", "/assets/\u0000../../package.json",
  "file:///etc/passwd", "http://127.0.0.1/../../etc/passwd", "/?file=../../etc/passwd", "/.env", "/.git/config", "/../kayaktrack.db",
  "/~/.ssh/id_rsa", "/assets/../../../ingest/src/app.ts", "/..;/..;/etc/passwd", "/%u002e%u002e/%u002e%u002e/etc/passwd", "/assets/%E0%A4%A",
];

export const TYPES = [
  "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/xml", "", "application/json, text/plain",
  ";;;", "application/" + "j".repeat(3000), "APPLICATION/JSON", "application/json; charset=utf-16", "application/json;", "application/jsonp",
  BATCH_MEDIA_TYPE, "application/vnd.kayaktrack.batch+json", "*/*", "application/octet-stream", "image/png",
];
