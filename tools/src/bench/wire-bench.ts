import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { defaultConfig } from "@kayaktrack/firmware/config";
import { encodeBatch, type WireFix } from "@kayaktrack/firmware/wire";
import { parseGpx, type Fix } from "@kayaktrack/ingest";
import { REPO } from "../server-process.ts";
import { gpsEpochs } from "../simulate/gps/gps-receiver.ts";
import { lakeLoop } from "../simulate/world/synthetic-routes.ts";
import { writeBenchmarkSection } from "./benchmarks-doc.ts";

export interface WireBenchOptions {
  json?: boolean;
  write?: boolean;
}

/** The tracker's own batch size (firmware/src/config/config.ts). */
const BATCH = defaultConfig.batchFixes;
const HOST = "kayaktrack.example.org";
const TOKEN = "x".repeat(22); // tokens are 22 characters

/**
 * An hour round the simulator's lake (a break on the beach included), as the
 * simulated NEO-6M reports it at 1 Hz: its noise, and its NMEA digits.
 */
function lakeHour(): Fix[] {
  const fixes: Fix[] = [];
  for (const e of gpsEpochs(lakeLoop({ seed: 7, duration: 3600 }), { seed: 7, coldStart: 0 })) {
    if (!e.fix) continue;
    const { lat, lon, alt, speed, course, hdop, sats } = e.fix;
    fixes.push({ time: e.time, lat, lon, alt, speed, course: course ?? null, hdop, sats, accuracy: null, battery: null });
  }
  return fixes;
}

/** Fields a track lacks, filled as the tracker would have them: speed and course from the positions. */
function asTracker(fixes: Fix[]): WireFix[] {
  return fixes.map((f, i) => {
    const p = fixes[i - 1];
    const dt = p ? f.time - p.time : 0;
    const dy = p ? (f.lat - p.lat) * 111_320 : 0;
    const dx = p ? (f.lon - p.lon) * 111_320 * Math.cos((f.lat * Math.PI) / 180) : 0;
    return {
      time: f.time, lat: f.lat, lon: f.lon, alt: f.alt ?? 0, speed: f.speed ?? (dt > 0 ? Math.hypot(dx, dy) / dt : 0),
      course: f.course ?? ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360, hdop: f.hdop ?? 1, sats: f.sats ?? 8,
    };
  });
}

/** HTTP/1.1 as the SIM900 sends it (AT+HTTPACTION=1) and the reply's status line and headers as the server sends them. */
const request = (path: string, headers: string[], body: number) =>
  `POST ${path} HTTP/1.1\r\nHost: ${HOST}\r\nUser-Agent: SIMCOM_MODULE\r\n${headers.map((h) => h + "\r\n").join("")}Content-Length: ${body}\r\n\r\n`.length + body;
const response = (type: string | undefined, body: number) =>
  `HTTP/1.1 200 OK\r\n${type ? `content-type: ${type}\r\n` : ""}x-request-id: 00000000-0000-0000-0000-000000000000\r\nDate: Sun, 22 Nov 2026 12:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: ${body}\r\n\r\n`.length + body;

function measure(name: string, fixes: WireFix[]) {
  let payload = 0;
  let onAir = 0;
  for (let i = 0, seq = 0; i < fixes.length; i += BATCH, seq++) {
    const bytes = encodeBatch({ device: 3, seq, batteryVolts: 4.02, counters: [0, 0, 0, 0, 0] }, fixes.slice(i, i + BATCH));
    const ack = `A ${seq} ${Math.min(BATCH, fixes.length - i)} 0 0\n`.length;
    payload += bytes.length;
    onAir += request("/api/v1/batches", [`Content-Type: application/vnd.kayaktrack.batch`, `Authorization: Bearer ${TOKEN}`], bytes.length) + response("text/plain; charset=UTF-8", ack);
  }
  let osmand = 0;
  let owntracks = 0;
  for (const f of fixes) {
    const q = `id=3&token=${TOKEN}&timestamp=${Math.round(f.time)}&lat=${f.lat.toFixed(6)}&lon=${f.lon.toFixed(6)}&speed=${((f.speed ?? 0) / (1852 / 3600)).toFixed(1)}&bearing=${(f.course ?? 0).toFixed(1)}&altitude=${(f.alt ?? 0).toFixed(1)}&accuracy=${((f.hdop ?? 1) * 5).toFixed(1)}&batt=80`;
    osmand += request(`/api/v1/osmand?${q}`, [], 0) + response(undefined, 0);
    const json = JSON.stringify({ _type: "location", tid: "k3", tst: Math.round(f.time), lat: f.lat, lon: f.lon, alt: Math.round(f.alt ?? 0), vel: Math.round((f.speed ?? 0) * 3.6), cog: Math.round(f.course ?? 0), acc: Math.round((f.hdop ?? 1) * 5), batt: 80 });
    owntracks += request("/api/v1/owntracks", ["Content-Type: application/json", `Authorization: Basic ${Buffer.from(`3:${TOKEN}`).toString("base64")}`], json.length) + response("application/json", 2);
  }
  const per = (n: number) => Math.round((n / fixes.length) * 100) / 100;
  return { track: name, fixes: fixes.length, payloadBytesPerFix: per(payload), onAirBytesPerFix: per(onAir), osmandBytesPerFix: per(osmand), owntracksBytesPerFix: per(owntracks) };
}

/** `pnpm bench:wire [GPX…]`: bytes per fix of the batch format beside OsmAnd and OwnTracks. */
export function benchWire(files: string[], options: WireBenchOptions): void {
  const fixtures = join(REPO, "ingest/src/import/testdata");
  const tracks: Array<[string, Fix[]]> = files.length
    ? files.map((f) => [basename(f), parseGpx(readFileSync(f, "utf8")).fixes.filter((x): x is Fix => x !== "invalid")])
    : [
        ["lake-loop (simulated NEO-6M, 1 Hz, 1 h)", lakeHour()],
        ...readdirSync(fixtures).filter((f) => f.endsWith(".gpx") && f !== "no-times.gpx").map((f): [string, Fix[]] => [f, parseGpx(readFileSync(join(fixtures, f), "utf8")).fixes as Fix[]]),
      ];
  const rows = tracks.map(([name, fixes]) => measure(name, asTracker(fixes)));
  if (options.json) {
    for (const r of rows) process.stdout.write(JSON.stringify(r) + "\n");
  }
  const table = [
    "| track | fixes | payload B/fix | on air B/fix | OsmAnd B/fix | OwnTracks B/fix | OsmAnd ÷ on air |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => `| ${r.track} | ${r.fixes} | ${r.payloadBytesPerFix} | ${r.onAirBytesPerFix} | ${r.osmandBytesPerFix} | ${r.owntracksBytesPerFix} | ${(r.osmandBytesPerFix / r.onAirBytesPerFix).toFixed(1)}× |`),
  ].join("\n");
  const ratio = (r: (typeof rows)[number]) => r.osmandBytesPerFix / r.onAirBytesPerFix;
  const md = [
    "## Wire format (`pnpm bench:wire`)",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)}. Every fix of each track with all fields (a track's missing speed and course`,
    `computed from its positions), in batches of ${BATCH}. On air: the batch plus the HTTP request and response as the SIM900 and the`,
    "server exchange them; OsmAnd and OwnTracks send one request per fix. Short tracks pay the batch header and HTTP over few fixes.",
    "",
    table,
    "",
    ...rows.map(
      (r) =>
        `- ${r.track}: payload at most 6 bytes per fix ${r.payloadBytesPerFix <= 6 ? "met" : "NOT met"} (${r.payloadBytesPerFix}); ` +
        `on air at least 25 times smaller than OsmAnd ${ratio(r) >= 25 ? "met" : "NOT met"} (${ratio(r).toFixed(1)}×)` +
        (r.fixes < BATCH ? `: ${r.fixes} fixes, less than one batch` : ""),
    ),
  ].join("\n");
  if (!options.json) process.stdout.write(md + "\n");
  if (options.write !== false && files.length === 0) writeBenchmarkSection("wire", md);
}
