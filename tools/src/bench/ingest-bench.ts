import { cpus } from "node:os";
import autocannon from "autocannon";
import { openSqliteStore } from "@kayaktrack/ingest";
import { startServerProcess, tempDb, type ServerProcess } from "../server-process.ts";
import { writeBenchmarkSection } from "./benchmarks-doc.ts";

export interface IngestBenchOptions {
  devices?: string;
  seconds?: string;
  singleSeconds?: string;
  json?: boolean;
  write?: boolean;
}

interface Phase {
  name: string;
  connections: number;
  seconds: number;
  requestsPerSec: number;
  fixesPerSec: number;
  acknowledgedFixes: number;
  non2xx: number;
  p50Ms: number;
  p99Ms: number;
}

const FIXES_PER_BATCH = 60;

/**
 * One autocannon run; `make` builds each request. (autocannon resets a client's
 * context each time its request list wraps, so the state lives in `make`.)
 * Acknowledged fixes are read from each reply: a batch's `stored`, else one.
 */
async function run(
  server: ServerProcess,
  name: string,
  connections: number,
  seconds: number,
  fixesPerRequest: number,
  make: () => { method: "POST"; path: string; headers: Record<string, string>; body?: string },
): Promise<Phase> {
  let acknowledged = 0;
  let firstError = "";
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => ({ ...req, ...make() }),
        onResponse: (status, body) => {
          if (status >= 200 && status < 300) acknowledged += fixesPerRequest === FIXES_PER_BATCH ? (JSON.parse(body) as { stored: number }).stored : fixesPerRequest;
          else if (!firstError) firstError = `${status} ${body}`;
        },
      },
    ],
  });
  if (firstError) process.stderr.write(`${name}: ${result.non2xx} errors, the first: ${firstError.slice(0, 200)}\n`);
  return {
    name,
    connections,
    seconds,
    requestsPerSec: Math.round(result["2xx"] / seconds),
    fixesPerSec: Math.round(acknowledged / seconds),
    acknowledgedFixes: acknowledged,
    non2xx: result.non2xx,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

/**
 * `pnpm bench:ingest`: a real server process; 100 devices posting 60-fix
 * batches, then one-fix-per-request OwnTracks and OsmAnd traffic from many
 * devices. Checks afterwards that every acknowledged fix is in the database.
 */
export async function benchIngest(options: IngestBenchOptions): Promise<void> {
  const devices = Number(options.devices ?? 100);
  const seconds = Number(options.seconds ?? 20);
  const singleSeconds = Number(options.singleSeconds ?? 10);
  const say = (s: string) => process.stderr.write(s + "\n");
  const db = tempDb("kt-bench-");

  // Phones each send about one fix a second, so the one-fix phases spread over many devices.
  const phoneCount = 2000;
  const setup = openSqliteStore(db, { synchronous: "NORMAL" });
  const trackers = Array.from({ length: devices }, (_, i) => setup.addDevice(`tracker ${i}`));
  const phones = Array.from({ length: phoneCount }, (_, i) => setup.addDevice(`phone ${i}`));
  setup.close();

  const server = await startServerProcess(db, { LOG_LEVEL: "warn" });
  const phases: Phase[] = [];
  try {
    const t0 = Math.floor(Date.now() / 1000) - 7 * 86400;
    let nextTracker = 0;
    const seqs = new Array<number>(devices).fill(0);
    say(`batches: ${devices} devices, ${FIXES_PER_BATCH} fixes a batch, ${seconds} s …`);
    phases.push(
      await run(server, "batches (JSON, 60 fixes)", devices, seconds, FIXES_PER_BATCH, () => {
        const i = nextTracker++ % devices;
        const seq = seqs[i]!++;
        const t = trackers[i]!;
        const base = t0 + seq * FIXES_PER_BATCH;
        const fixes = [];
        for (let k = 0; k < FIXES_PER_BATCH; k++) {
          fixes.push({ time: base + k, lat: 59.9 + k * 1e-5, lon: 10.7 + seq * 1e-5, alt: 2, speed: 1.9, course: 88, hdop: 0.9, sats: 9 });
        }
        return {
          method: "POST",
          path: "/api/v1/batches",
          headers: { "content-type": "application/json", authorization: `Bearer ${t.token}` },
          body: JSON.stringify({ device: t.device.id, seq, fixes, battery: 90 }),
        };
      }),
    );

    // Each phone sends fixes one second apart; the counter keeps times unique per phone.
    const tick = new Array<number>(phoneCount).fill(0);
    let nextPhone = 0;
    const phone = () => {
      const i = nextPhone++ % phoneCount;
      return { p: phones[i]!, t: t0 + 100_000 + tick[i]!++ };
    };
    say(`owntracks: ${phoneCount} phones over ${devices} connections, ${singleSeconds} s …`);
    phases.push(
      await run(server, "OwnTracks (1 fix a request)", devices, singleSeconds, 1, () => {
        const { p, t } = phone();
        return {
          method: "POST",
          path: "/api/v1/owntracks",
          headers: {
            "content-type": "application/json",
            authorization: "Basic " + Buffer.from(`${p.device.id}:${p.token}`).toString("base64"),
          },
          body: JSON.stringify({ _type: "location", lat: 59.9, lon: 10.7, tst: t, acc: 5, vel: 7, batt: 80 }),
        };
      }),
    );
    say(`osmand: ${phoneCount} phones over ${devices} connections, ${singleSeconds} s …`);
    phases.push(
      await run(server, "OsmAnd (1 fix a request)", devices, singleSeconds, 1, () => {
        const { p, t } = phone();
        return {
          method: "POST",
          path: `/api/v1/osmand?id=${p.device.id}&token=${p.token}&lat=59.9&lon=10.7&timestamp=${t + 50_000}&speed=3.1`,
          headers: {},
        };
      }),
    );
  } finally {
    await server.kill("SIGTERM");
  }

  // Every acknowledged fix must be in the database, and nothing else.
  const check = openSqliteStore(db);
  let stored = 0;
  for (const d of check.listDevices()) stored += check.fixes({ deviceId: d.id, limit: 1e9 }).length;
  check.close();
  const acknowledged = phases.reduce((n, p) => n + p.acknowledgedFixes, 0);

  const [batches, owntracks, osmand] = phases as [Phase, Phase, Phase];
  const rows = phases.map(
    (p) => `| ${p.name} | ${p.connections} | ${p.seconds} s | ${p.requestsPerSec.toLocaleString("en")} | ${p.fixesPerSec.toLocaleString("en")} | ${p.p50Ms} | ${p.p99Ms} | ${p.non2xx} |`,
  );
  const table = [
    "| traffic | connections | duration | requests/s | fixes/s | p50 ms | p99 ms | non-2xx |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  const md = [
    "## Ingest (`pnpm bench:ingest`)",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}.`,
    "A real `kayaktrack serve` process (SQLite WAL, synchronous=FULL, log level warn) on loopback;",
    "autocannon in the benchmark process keeps every connection busy, one request in flight each.",
    "Every reply was sent after the commit holding its fixes (group commit).",
    "",
    table,
    "",
    `Acknowledged fixes: ${acknowledged.toLocaleString("en")}; found in the database afterwards: ${stored.toLocaleString("en")}`,
    "(more can be stored than acknowledged: requests in flight when a phase ends are stored, their replies not counted).",
    "",
    `- batches: target at least 100,000 fixes/s with p99 under 50 ms: ${verdict(batches.fixesPerSec >= 100_000 && batches.p99Ms < 50)}`,
    `- OwnTracks: target at least 5,000 requests/s: ${verdict(owntracks.requestsPerSec >= 5000)}`,
    `- OsmAnd: target at least 5,000 requests/s: ${verdict(osmand.requestsPerSec >= 5000)}`,
  ].join("\n");
  process.stdout.write(md + "\n");
  if (options.write !== false) writeBenchmarkSection("ingest", md);
  // Requests still in flight when a phase ends may be stored without their reply being counted.
  if (stored < acknowledged) {
    process.stderr.write(`bench: ${acknowledged} fixes acknowledged but only ${stored} stored\n`);
    process.exitCode = 1;
  }
  if (options.json) {
    process.stdout.write(
      JSON.stringify({
        fixesPerSec: batches.fixesPerSec,
        p50Ms: batches.p50Ms,
        p99Ms: batches.p99Ms,
        owntracksReqPerSec: owntracks.requestsPerSec,
        owntracksP99Ms: owntracks.p99Ms,
        osmandReqPerSec: osmand.requestsPerSec,
        osmandP99Ms: osmand.p99Ms,
        acknowledged,
        stored,
      }) + "\n",
    );
  }
}
