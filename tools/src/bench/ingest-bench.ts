import { cpus } from "node:os";
import autocannon from "autocannon";
import { BATCH_MEDIA_TYPE, encodeBatch, type WireFix } from "@kayaktrack/firmware/wire";
import { connectPostgres, describePg, isPostgresUrl, openPgStore, openSqliteStore, openStore, scratchDatabase, type Store } from "@kayaktrack/ingest";
import { removeTempDb, serverNodeArgs, startServerProcess, tempDb, type ServerProcess } from "../server-process.ts";
import { writeBenchmarkSection } from "./benchmarks-doc.ts";
import { pacedLoad, quantile } from "./paced-load.ts";
import { processUsage, usageRates, type ProcessUsage, type UsageRates } from "./process-usage.ts";
import { median } from "./median.ts";

export interface IngestBenchOptions {
  devices?: string;
  seconds?: string;
  rounds?: string;
  roundSeconds?: string;
  singleSeconds?: string;
  json?: boolean;
  write?: boolean;
  /** write V8 CPU profiles of the server's threads to this directory */
  cpuProf?: string;
  /** a PostgreSQL server (postgres://…): the same phases against it, with one process and with two, in a scratch database */
  db?: string;
}

interface Phase {
  name: string;
  connections: number;
  /** how long it was measured: "20 s", or "5 × 10 s" for rounds */
  duration: string;
  requestsPerSec: number;
  fixesPerSec: number;
  non2xx: number;
  p50Ms: number;
  p99Ms: number;
  /** paced phases: the load generator's own event-loop delay, p99 ms */
  loopDelayP99Ms?: number;
  /** paced phases: every reply's latency, ms, sorted */
  latenciesMs?: number[];
  /** a phase measured in rounds: the p99 of each, ms, in the order run */
  roundP99Ms?: number[];
  /** a phase measured in rounds: the p99 of all their replies together, ms */
  pooledP99Ms?: number;
  /** paced phases: what the server process used (Linux only) */
  server?: UsageRates;
  /** paced phases: cores the load generator (this process) used */
  generatorCores?: number;
}

const FIXES_PER_BATCH = 60;
const TARGET_FIXES_PER_SEC = 100_000;
const TARGET_BATCHES_PER_SEC = Math.round(TARGET_FIXES_PER_SEC / FIXES_PER_BATCH);
/** The paced phase first runs this long at its rate, unmeasured: its new connections open and the load generator's code warms up. */
const PACED_WARMUP_SECONDS = 2;

/** The fixes one request carries: `count` fixes of one device between two times (epoch ms). */
interface Sent {
  deviceId: number;
  fromMs: number;
  toMs: number;
  count: number;
}

interface BenchRequest {
  request: { method: "POST"; path: string; headers: Record<string, string>; body?: string | Uint8Array };
  sent: Sent;
}

/**
 * One autocannon run; `make` builds each request and says which fixes it
 * carries. Every 2xx reply adds those fixes to `acknowledged`, to be looked up
 * in the database afterwards. (autocannon gives each request a fresh context,
 * which lives from its setupRequest to its onResponse.)
 */
async function run(
  servers: ServerProcess[],
  { name, connections, seconds }: { name: string; connections: number; seconds: number },
  acknowledged: Sent[],
  make: () => BenchRequest,
): Promise<Phase> {
  let fixes = 0;
  let firstError = "";
  // Several processes (behind a proxy, say): the connections split between them, one autocannon each.
  const results = await Promise.all(servers.map((server) => autocannon({
    url: server.url,
    connections: Math.ceil(connections / servers.length),
    duration: seconds,
    requests: [
      {
        setupRequest: (req, context) => {
          const { request, sent } = make();
          (context as { sent?: Sent }).sent = sent;
          // autocannon sends a Buffer body as it is; a Uint8Array would be turned into text.
          return { ...req, ...request, body: request.body instanceof Uint8Array ? Buffer.from(request.body) : request.body };
        },
        onResponse: (status, body, context) => {
          const sent = (context as { sent?: Sent }).sent!;
          if (status >= 200 && status < 300) {
            acknowledged.push(sent);
            fixes += sent.count;
          } else if (!firstError) firstError = `${status} ${body}`;
        },
      },
    ],
  })));
  const non2xx = results.reduce((n, r) => n + r.non2xx, 0);
  if (firstError) process.stderr.write(`${name}: ${non2xx} errors, the first: ${firstError.slice(0, 200)}\n`);
  return {
    name,
    connections,
    duration: `${seconds} s`,
    requestsPerSec: Math.round(results.reduce((n, r) => n + r["2xx"], 0) / seconds),
    fixesPerSec: Math.round(fixes / seconds),
    non2xx,
    // autocannon gives percentiles, not the replies: with several processes, the greater one's.
    p50Ms: Math.max(...results.map((r) => r.latency.p50)),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
  };
}

/**
 * One phase at a steady offered rate (paced-load.ts), each device's requests
 * from its own `make`; the warm-up's fixes are checked in the database too.
 * Over the measured seconds it also reads the cores the server and this
 * process used.
 */
async function runPaced(
  servers: ServerProcess[],
  { name, connections, seconds, rate }: { name: string; connections: number; seconds: number; rate: number },
  acknowledged: Sent[],
  make: (connection: number) => BenchRequest,
): Promise<Phase> {
  let fixes = 0;
  const pids = servers.map((s) => s.child.pid!);
  let readings: { server: Array<ProcessUsage | undefined>; generator: NodeJS.CpuUsage; at: number } | undefined;
  let usage: Pick<Phase, "server" | "generatorCores"> = {};
  // Several processes: each takes its share of the devices and of the rate; the replies' latencies are pooled.
  const per = Math.ceil(connections / servers.length);
  let started = 0;
  let ended = 0;
  const results = await Promise.all(servers.map((server, k) => pacedLoad({
    url: server.url,
    connections: per,
    ratePerSec: rate / servers.length,
    seconds,
    warmupSeconds: PACED_WARMUP_SECONDS,
    make: (i) => {
      const { request, sent } = make(k * per + i);
      return {
        request,
        onReply: (status, _body, measured) => {
          if (status >= 200 && status < 300) {
            acknowledged.push(sent);
            if (measured) fixes += sent.count;
          }
        },
      };
    },
    onMeasureStart: () => {
      if (++started === 1) readings = { server: pids.map(processUsage), generator: process.cpuUsage(), at: performance.now() };
    },
    onMeasureEnd: () => {
      if (++ended < servers.length || !readings) return;
      const seconds = (performance.now() - readings.at) / 1000;
      const rates = pids.map((pid, j) => {
        const before = readings!.server[j];
        const after = processUsage(pid);
        return before && after ? usageRates(before, after, seconds) : undefined;
      });
      const generator = process.cpuUsage(readings.generator);
      usage = {
        ...(rates.every(Boolean) && {
          server: rates.reduce<UsageRates>((a, b) => ({ cores: a.cores + b!.cores, mainThreadCores: a.mainThreadCores + b!.mainThreadCores, writeMBPerSec: a.writeMBPerSec + b!.writeMBPerSec }), { cores: 0, mainThreadCores: 0, writeMBPerSec: 0 }),
        }),
        generatorCores: (generator.user + generator.system) / 1e6 / seconds,
      };
    },
  })));
  const failed = results.reduce((n, r) => n + r.non2xx + r.errors, 0);
  const firstError = results.find((r) => r.firstError)?.firstError;
  if (firstError) process.stderr.write(`${name}: ${failed} errors, the first: ${firstError}\n`);
  const latencies = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const ms = (q: number) => Math.round(quantile(latencies, q));
  return {
    name,
    connections,
    duration: `${seconds} s`,
    requestsPerSec: Math.round(results.reduce((n, r) => n + r.replies - r.non2xx, 0) / seconds),
    fixesPerSec: Math.round(fixes / seconds),
    non2xx: failed,
    p50Ms: ms(0.5),
    p99Ms: ms(0.99),
    loopDelayP99Ms: Math.round(Math.max(...results.map((r) => r.loopDelayP99Ms))),
    latenciesMs: latencies,
    ...usage,
  };
}

/** The PostgreSQL server's version and the settings that decide its write speed. */
async function pgSettings(url: string): Promise<string> {
  const pool = await connectPostgres(url, 1);
  try {
    const show = async (name: string) => (await pool.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name]!;
    const names = ["fsync", "synchronous_commit", "shared_buffers", "wal_buffers", "max_wal_size"];
    const values = await Promise.all(names.map(show));
    return `PostgreSQL ${await show("server_version")} at ${describePg(url)} (${names.map((n, i) => `${n} ${values[i]}`).join(", ")})`;
  } finally {
    await pool.end();
  }
}

/** The same table for each store, side by side, with PostgreSQL's target. */
function sideBySide(sqlite: Measured, postgres: Array<Measured & { processes: number }>, server: string): string {
  const stores = [{ label: "SQLite, 1 process", m: sqlite }, ...postgres.map((p) => ({ label: `PostgreSQL, ${p.processes} process${p.processes > 1 ? "es" : ""}`, m: p as Measured }))];
  const rows = sqlite.phases.map((phase, i) => {
    const cells = stores.map(({ m }) => {
      const p = m.phases[i]!;
      return phase.name.startsWith("batches") ? `${p.fixesPerSec.toLocaleString("en")} | ${p.p99Ms}` : `${p.requestsPerSec.toLocaleString("en")} req/s | ${p.p99Ms}`;
    });
    return `| ${phase.name} | ${cells.join(" | ")} |`;
  });
  const two = postgres.find((p) => p.processes === 2);
  const twoCompact = two?.phases[0]!.fixesPerSec ?? 0;
  return [
    "### SQLite and PostgreSQL side by side (`pnpm bench:ingest --db postgres://…`)",
    "",
    `The same phases, in the same run, against ${server}, each store in a new database.`,
    "With two processes the devices and the offered rate split evenly between them, as a round-robin proxy would split them; at full speed the",
    "p50 and p99 are the greater of the two load generators' (autocannon gives percentiles, not replies), in the paced phases those of all replies.",
    "Each cell is fixes/s (one-fix phases: requests/s) and p99 ms. A p99 of seconds in the paced rows means that store fell behind the",
    "offered rate: its fixes/s there counts replies that came late, and its full-speed row says what it can take.",
    "",
    `| traffic | ${stores.map((x) => `${x.label} | p99 ms`).join(" | ")} |`,
    `| --- | ${stores.map(() => "---: | ---:").join(" | ")} |`,
    ...rows,
    "",
    `Acknowledged fixes looked up afterwards: ${stores.map(({ label, m }) => `${label} ${m.ackedFixes.toLocaleString("en")}, ${m.missing} missing`).join("; ")}.`,
    "",
    `- PostgreSQL with two processes: target at least 50,000 fixes/s in compact batches: ${two && twoCompact >= 50_000 ? "met" : "NOT met"} (${twoCompact.toLocaleString("en")} at full speed)`,
  ].join("\n");
}

/** The middle value (of an even count, the upper of the two middle ones). */

/**
 * Rounds of one paced phase as one: the median of each figure over the rounds.
 * On a shared machine a burst elsewhere can spoil one round's p99; the median
 * shows what the server does. Every round's p99, and the p99 of all their
 * replies together, are printed too.
 */
function medianOfRounds(name: string, rounds: Phase[], roundSeconds: number): Phase {
  const m = (f: (p: Phase) => number) => median(rounds.map(f));
  return {
    name,
    connections: rounds[0]!.connections,
    duration: `${rounds.length} × ${roundSeconds} s`,
    requestsPerSec: m((p) => p.requestsPerSec),
    fixesPerSec: m((p) => p.fixesPerSec),
    non2xx: rounds.reduce((n, p) => n + p.non2xx, 0),
    p50Ms: m((p) => p.p50Ms),
    p99Ms: m((p) => p.p99Ms),
    loopDelayP99Ms: m((p) => p.loopDelayP99Ms ?? 0),
    roundP99Ms: rounds.map((p) => p.p99Ms),
    pooledP99Ms: Math.round(quantile(rounds.flatMap((p) => p.latenciesMs ?? []).sort((a, b) => a - b), 0.99)),
    ...(rounds.every((p) => p.server) && {
      server: { cores: m((p) => p.server!.cores), mainThreadCores: m((p) => p.server!.mainThreadCores), writeMBPerSec: m((p) => p.server!.writeMBPerSec) },
    }),
    generatorCores: m((p) => p.generatorCores ?? 0),
  };
}

/**
 * Where the machine's cores went in the paced rounds' measured seconds: the
 * server's threads, its writes to storage, and the load generator, which
 * shares the machine.
 */
function coresLine(compact: Phase, json: Phase): string {
  const c = (x: number | undefined) => (x === undefined ? "?" : x.toFixed(2));
  const generator = `the load generator used ${c(compact.generatorCores)} (compact) and ${c(json.generatorCores)} (JSON)`;
  if (!compact.server || !json.server) return `Where the cores went at 100,000 fixes/s: ${generator}; the server's own usage is read from Linux's /proc, which this system lacks.`;
  const writes = [compact.server.writeMBPerSec, json.server.writeMBPerSec];
  return [
    `Where the ${cpus().length} cores went at 100,000 fixes/s (medians of the rounds' measured seconds): the server used ${c(compact.server.cores)} cores (compact) and ${c(json.server.cores)} (JSON),`,
    `its HTTP thread ${c(compact.server.mainThreadCores)} and ${c(json.server.mainThreadCores)} of them, its other threads the rest (the SQLite writer, V8's and libuv's helpers);`,
    `${generator}.` +
      (writes.some(Number.isNaN) ? "" : ` The server wrote ${Math.round(writes[0]!)} and ${Math.round(writes[1]!)} MB/s to storage (docs/ARCHITECTURE.md says why so much).`),
  ].join("\n");
}

/** How many acknowledged fixes are missing from the database (each request looked up by itself). */
async function missingFixes(db: string, acknowledged: Sent[]): Promise<number> {
  if (isPostgresUrl(db)) {
    // One statement for them all: a query per request costs a round trip each, minutes for a run's.
    const pool = await connectPostgres(db, 1);
    try {
      const col = <T>(f: (s: Sent) => T) => acknowledged.map(f);
      const r = await pool.query<{ missing: number }>(
        `SELECT coalesce(sum(s.n - (SELECT count(*) FROM fixes f WHERE f.device_id = s.d AND f.t_ms BETWEEN s.lo AND s.hi)), 0)::bigint AS missing
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[]) AS s(d, lo, hi, n)`,
        [col((s) => s.deviceId), col((s) => s.fromMs), col((s) => s.toMs), col((s) => s.count)],
      );
      return r.rows[0]!.missing;
    } finally {
      await pool.end();
    }
  }
  const store = await openStore(db);
  let missing = 0;
  for (const s of acknowledged) {
    const found = (await store.fixes({ deviceId: s.deviceId, from: s.fromMs / 1000, to: s.toMs / 1000, limit: s.count })).length;
    missing += s.count - found;
  }
  await store.close();
  return missing;
}

interface Settings {
  devices: number;
  seconds: number;
  rounds: number;
  roundSeconds: number;
  singleSeconds: number;
  cpuProf?: string | undefined;
}

/** What one store measured: the phases in the table's order, and the check of every acknowledged fix. */
interface Measured {
  phases: Phase[];
  ackedFixes: number;
  missing: number;
}

/**
 * Every phase against `processes` real server processes on one database (a SQLite file, or a
 * postgres:// database: PostgreSQL only can have several), then the check that every
 * acknowledged fix is in it.
 */
async function measure(db: string, processes: number, o: Settings): Promise<Measured> {
  const { devices, seconds, rounds, roundSeconds, singleSeconds } = o;
  const say = (s: string) => process.stderr.write(s + "\n");
  const phases: Phase[] = [];
  const acknowledged: Sent[] = [];
  {
    // Phones each send about one fix a second, so the one-fix phases spread over many devices.
    const phoneCount = 2000;
    const setup: Store = isPostgresUrl(db) ? await openPgStore(db) : openSqliteStore(db, { synchronous: "NORMAL" });
    const trackers: Array<{ device: { id: number }; token: string }> = [];
    for (let i = 0; i < devices; i++) trackers.push(await setup.addDevice(`tracker ${i}`));
    const phones: Array<{ device: { id: number }; token: string }> = [];
    for (let i = 0; i < phoneCount; i++) phones.push(await setup.addDevice(`phone ${i}`));
    await setup.close();

    const nodeArgs = o.cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${o.cpuProf}`] : [];
    const servers: ServerProcess[] = [];
    try {
      for (let i = 0; i < processes; i++) servers.push(await startServerProcess(db, { LOG_LEVEL: "warn" }, nodeArgs));
      const t0 = Math.floor(Date.now() / 1000) - 7 * 86400;
      let nextTracker = 0;
      const seqs = new Array<number>(devices).fill(0);
      // A device's next batch, in JSON or as the tracker sends it (the compact wire
      // format); full speed takes devices in turn, the paced phase names its own.
      const batch = (format: "json" | "compact", device?: number): BenchRequest => {
        const i = device ?? nextTracker++ % devices;
        const seq = seqs[i]!++;
        const t = trackers[i]!;
        const base = t0 + seq * FIXES_PER_BATCH;
        const fixes: WireFix[] = [];
        for (let k = 0; k < FIXES_PER_BATCH; k++) {
          fixes.push({ time: base + k, lat: 59.9 + k * 1e-5, lon: 10.7 + seq * 1e-5, alt: 2, speed: 1.9, course: 88, hdop: 0.9, sats: 9 });
        }
        const sent = { deviceId: t.device.id, fromMs: base * 1000, toMs: (base + FIXES_PER_BATCH - 1) * 1000, count: FIXES_PER_BATCH };
        const authorization = `Bearer ${t.token}`;
        if (format === "compact") {
          const body = encodeBatch({ device: t.device.id, seq, batteryVolts: 4.11, counters: [] }, fixes);
          return { request: { method: "POST", path: "/api/v1/batches", headers: { "content-type": BATCH_MEDIA_TYPE, authorization }, body }, sent };
        }
        return {
          request: {
            method: "POST",
            path: "/api/v1/batches",
            headers: { "content-type": "application/json", authorization },
            body: JSON.stringify({ device: t.device.id, seq, fixes, battery: 90 }),
          },
          sent,
        };
      };
      // At full speed every device always waits in the queue, so by Little's law latency
      // there is devices / rate whatever the server does; the paced phase gives the latency
      // at the target rate. Trackers send the compact format; JSON is the fallback.
      const formats = ["compact", "json"] as const;
      const label = (format: (typeof formats)[number]) => (format === "compact" ? "compact, as the tracker sends them" : "JSON");
      for (const format of formats) {
        say(`batches (${format}): ${devices} devices, ${FIXES_PER_BATCH} fixes a batch, as fast as the server answers, ${seconds} s …`);
        phases.push(await run(servers, { name: `batches (${label(format)}, 60 fixes), full speed`, connections: devices, seconds }, acknowledged, () => batch(format)));
      }
      // The paced phase in rounds, the formats taking turns, so that both meet the same
      // machine and the same database size.
      const paced = { compact: [] as Phase[], json: [] as Phase[] };
      for (let r = 1; r <= rounds; r++) {
        // Each format goes first in every other round: neither always meets the other's aftermath.
        for (const format of r % 2 ? formats : [...formats].reverse()) {
          say(`batches (${format}): ${devices} devices sending ${TARGET_FIXES_PER_SEC.toLocaleString("en")} fixes/s together, round ${r} of ${rounds}, ${roundSeconds} s …`);
          const round = await runPaced(servers, { name: format, connections: devices, seconds: roundSeconds, rate: TARGET_BATCHES_PER_SEC }, acknowledged, (device) => batch(format, device));
          paced[format].push(round);
          // A round far above the others with the same cores used points at the machine, not the server.
          const usage = round.server ? `, server ${round.server.cores.toFixed(2)} cores (HTTP thread ${round.server.mainThreadCores.toFixed(2)})` : "";
          say(`  p50 ${round.p50Ms} ms, p99 ${round.p99Ms} ms${usage}, load generator ${round.generatorCores?.toFixed(2) ?? "?"} cores`);
        }
      }
      for (const format of formats) {
        phases.push(medianOfRounds(`batches (${label(format)}, 60 fixes), ${TARGET_FIXES_PER_SEC.toLocaleString("en")} fixes/s offered`, paced[format], roundSeconds));
      }

      // Each phone sends fixes one second apart; the counter keeps times unique per phone.
      const tick = new Array<number>(phoneCount).fill(0);
      let nextPhone = 0;
      const phone = () => {
        const i = nextPhone++ % phoneCount;
        return { p: phones[i]!, t: t0 + 100_000 + tick[i]!++ };
      };
      const one = (deviceId: number, t: number): Sent => ({ deviceId, fromMs: t * 1000, toMs: t * 1000, count: 1 });
      say(`owntracks: ${phoneCount} phones over ${devices} connections, ${singleSeconds} s …`);
      phases.push(
        await run(servers, { name: "OwnTracks (1 fix a request)", connections: devices, seconds: singleSeconds }, acknowledged, () => {
          const { p, t } = phone();
          return {
            request: {
              method: "POST",
              path: "/api/v1/owntracks",
              headers: {
                "content-type": "application/json",
                authorization: "Basic " + Buffer.from(`${p.device.id}:${p.token}`).toString("base64"),
              },
              body: JSON.stringify({ _type: "location", lat: 59.9, lon: 10.7, tst: t, acc: 5, vel: 7, batt: 80 }),
            },
            sent: one(p.device.id, t),
          };
        }),
      );
      say(`osmand: ${phoneCount} phones over ${devices} connections, ${singleSeconds} s …`);
      phases.push(
        await run(servers, { name: "OsmAnd (1 fix a request)", connections: devices, seconds: singleSeconds }, acknowledged, () => {
          const { p, t } = phone();
          return {
            request: {
              method: "POST",
              path: `/api/v1/osmand?id=${p.device.id}&token=${p.token}&lat=59.9&lon=10.7&timestamp=${t + 50_000}&speed=3.1`,
              headers: {},
            },
            sent: one(p.device.id, t + 50_000),
          };
        }),
      );
    } finally {
      await Promise.all(servers.map((s) => s.kill("SIGTERM")));
    }
  }
  // Every acknowledged fix must be in the database.
  return { phases, ackedFixes: acknowledged.reduce((n, s) => n + s.count, 0), missing: await missingFixes(db, acknowledged) };
}

/**
 * `pnpm bench:ingest`: real server processes; 100 devices posting 60-fix batches (compact, then
 * JSON) at full speed and then at the target rate, then one-fix-per-request OwnTracks and OsmAnd
 * traffic from many devices; afterwards, every acknowledged fix is looked up in the database. On
 * SQLite, and with `--db postgres://…` on PostgreSQL too, with one process and with two.
 */
export async function benchIngest(options: IngestBenchOptions): Promise<void> {
  const settings: Settings = {
    devices: Number(options.devices ?? 100),
    seconds: Number(options.seconds ?? 20),
    rounds: Number(options.rounds ?? 5),
    roundSeconds: Number(options.roundSeconds ?? 10),
    singleSeconds: Number(options.singleSeconds ?? 10),
    cpuProf: options.cpuProf,
  };
  const { devices, rounds, roundSeconds } = settings;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds ${options.rounds}: a whole number from 1`);
  if (!(roundSeconds > 0)) throw new Error(`--round-seconds ${options.roundSeconds}: a number of seconds above 0`);
  if (options.db !== undefined && !isPostgresUrl(options.db)) throw new Error("--db: give a PostgreSQL server, postgres://USER:PASS@HOST:PORT/DB (SQLite is always measured)");
  // The database grows past a gigabyte: it is removed however the run ends.
  const file = tempDb("kt-bench-");
  let sqlite: Measured;
  try {
    process.stderr.write("SQLite, one process:\n");
    sqlite = await measure(file, 1, settings);
  } finally {
    removeTempDb(file);
  }
  const postgres: Array<Measured & { processes: number }> = [];
  for (const processes of options.db ? [1, 2] : []) {
    // A database of its own on that server, dropped however the run ends.
    const scratch = await scratchDatabase(options.db!, "kt_bench");
    try {
      process.stderr.write(`PostgreSQL at ${describePg(options.db!)}, ${processes} process${processes > 1 ? "es" : ""}:\n`);
      postgres.push({ processes, ...(await measure(scratch.url, processes, settings)) });
    } finally {
      await scratch.drop();
    }
  }
  const { phases, ackedFixes, missing } = sqlite;

  const [compact, json, compactAtTarget, jsonAtTarget, owntracks, osmand] = phases as [Phase, Phase, Phase, Phase, Phase, Phase];
  const rows = phases.map(
    (p) => `| ${p.name} | ${p.connections} | ${p.duration} | ${p.requestsPerSec.toLocaleString("en")} | ${p.fixesPerSec.toLocaleString("en")} | ${p.p50Ms} | ${p.p99Ms} | ${p.non2xx} |`,
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
    `A real \`kayaktrack serve\` process (SQLite WAL, synchronous=FULL, log level warn, \`${serverNodeArgs().join(" ")}\` as the README advises) on loopback;`,
    "the load from the benchmark process, one request in flight per connection (device). At full speed",
    "(autocannon) a device sends its next batch as soon as the last is answered. In the paced phase each",
    `device sends a batch every ${devices} / ${TARGET_BATCHES_PER_SEC.toLocaleString("en")} s, the devices evenly staggered (tools/src/bench/paced-load.ts), after`,
    `${PACED_WARMUP_SECONDS} s unmeasured at the same rate; a reply's latency counts from when its batch was due, so a`,
    `backlog shows. It runs in ${rounds} rounds of ${roundSeconds} s, compact and JSON taking turns (each first in every other round); its figures are the`,
    "median over the rounds, so that one round spoiled by a burst elsewhere on this shared machine does not decide them. Every round's",
    "p99, and the p99 of all the rounds' replies together, are below the table: a trend over the rounds shows there.",
    "Every reply was sent after the commit holding its fixes (group commit). The compact batches are",
    "the tracker's own (docs/wire-format.md; these regular fixes take 1.5 bytes each); JSON is the same fixes in the fallback form (104 bytes each). In `--json`, `fixesPerSec`, `p50Ms` and `p99Ms` are the compact batches at 100,000 fixes/s offered (the target's pair, medians of the rounds; `roundP99Ms` and `pooledP99Ms` beside them), `fullSpeed…` the compact batches at full speed, and the JSON batches' figures are prefixed `json`.",
    "",
    table,
    "",
    `p99 of each round at 100,000 fixes/s, in the order run: ${compactAtTarget.roundP99Ms!.join(", ")} ms (compact); ${jsonAtTarget.roundP99Ms!.join(", ")} ms (JSON).`,
    `p99 of all the rounds' replies together: ${compactAtTarget.pooledP99Ms} ms (compact); ${jsonAtTarget.pooledP99Ms} ms (JSON).`,
    "",
    `The load generator shares the machine: its own event-loop delay at 100,000 fixes/s (p99, median of the rounds) was ${compactAtTarget.loopDelayP99Ms} ms (compact) and ${jsonAtTarget.loopDelayP99Ms} ms (JSON), and is part of those latencies.`,
    "",
    coresLine(compactAtTarget, jsonAtTarget),
    "",
    `Acknowledged fixes: ${ackedFixes.toLocaleString("en")}, each looked up in the database afterwards: ${missing} missing.`,
    "",
    ...(
      [
        ["compact", compact, compactAtTarget],
        ["JSON", json, jsonAtTarget],
      ] as const
    ).flatMap(([label, full, atTarget]) => [
      `- batches (${label}): target at least 100,000 fixes/s: ${verdict(full.fixesPerSec >= TARGET_FIXES_PER_SEC)} (${full.fixesPerSec.toLocaleString("en")} at full speed)`,
      `- batches (${label}): p99 under 50 ms at 100,000 fixes/s: ${verdict(atTarget.p99Ms < 50 && atTarget.fixesPerSec >= 0.98 * TARGET_FIXES_PER_SEC)} (p99 ${atTarget.p99Ms} ms at ${atTarget.fixesPerSec.toLocaleString("en")} fixes/s, medians of ${rounds} rounds)`,
      `- batches (${label}): a stricter reading, p99 under 50 ms at full speed: ${verdict(full.p99Ms < 50)} (${full.p99Ms} ms; with ${devices} devices always waiting, that needs ${Math.round((devices / 0.05) * FIXES_PER_BATCH).toLocaleString("en")} fixes/s or more)`,
    ]),
    `- OwnTracks: target at least 5,000 requests/s: ${verdict(owntracks.requestsPerSec >= 5000)}`,
    `- OsmAnd: target at least 5,000 requests/s: ${verdict(osmand.requestsPerSec >= 5000)}`,
  ].join("\n");
  const both = postgres.length > 0 ? "\n\n" + sideBySide(sqlite, postgres, await pgSettings(options.db!)) : "";
  process.stdout.write(md + both + "\n");
  if (options.write !== false) writeBenchmarkSection("ingest", md + both);
  for (const [store, m] of [["SQLite", sqlite], ...postgres.map((p) => [`PostgreSQL (${p.processes} processes)`, p] as const)] as const) {
    if (m.missing === 0) continue;
    process.stderr.write(`bench: ${store}: ${m.missing} of ${m.ackedFixes} acknowledged fixes are not in the database\n`);
    process.exitCode = 1;
  }
  if (options.json) {
    const r2 = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 100) / 100);
    process.stdout.write(
      JSON.stringify({
        // The target's pair: compact batches at 100,000 fixes/s offered, medians of the rounds (each round's p99 and the pooled one beside them).
        fixesPerSec: compactAtTarget.fixesPerSec,
        p50Ms: compactAtTarget.p50Ms,
        p99Ms: compactAtTarget.p99Ms,
        fullSpeedFixesPerSec: compact.fixesPerSec,
        fullSpeedP50Ms: compact.p50Ms,
        fullSpeedP99Ms: compact.p99Ms,
        roundP99Ms: compactAtTarget.roundP99Ms,
        pooledP99Ms: compactAtTarget.pooledP99Ms,
        jsonFixesPerSec: jsonAtTarget.fixesPerSec,
        jsonP99Ms: jsonAtTarget.p99Ms,
        jsonRoundP99Ms: jsonAtTarget.roundP99Ms,
        jsonPooledP99Ms: jsonAtTarget.pooledP99Ms,
        jsonFullSpeedFixesPerSec: json.fixesPerSec,
        jsonFullSpeedP99Ms: json.p99Ms,
        owntracksReqPerSec: owntracks.requestsPerSec,
        owntracksP99Ms: owntracks.p99Ms,
        osmandReqPerSec: osmand.requestsPerSec,
        osmandP99Ms: osmand.p99Ms,
        serverCores: r2(compactAtTarget.server?.cores),
        serverHttpThreadCores: r2(compactAtTarget.server?.mainThreadCores),
        serverDiskWriteMBPerSec: r2(compactAtTarget.server?.writeMBPerSec),
        generatorCores: r2(compactAtTarget.generatorCores),
        jsonServerCores: r2(jsonAtTarget.server?.cores),
        jsonServerHttpThreadCores: r2(jsonAtTarget.server?.mainThreadCores),
        jsonServerDiskWriteMBPerSec: r2(jsonAtTarget.server?.writeMBPerSec),
        jsonGeneratorCores: r2(jsonAtTarget.generatorCores),
        acknowledgedFixes: ackedFixes,
        missingFixes: missing,
        ...(postgres.length > 0 && {
          postgres: postgres.map((p) => ({
            processes: p.processes,
            fullSpeedFixesPerSec: p.phases[0]!.fixesPerSec,
            fixesPerSec: p.phases[2]!.fixesPerSec,
            p99Ms: p.phases[2]!.p99Ms,
            owntracksReqPerSec: p.phases[4]!.requestsPerSec,
            osmandReqPerSec: p.phases[5]!.requestsPerSec,
            acknowledgedFixes: p.ackedFixes,
            missingFixes: p.missing,
          })),
        }),
      }) + "\n",
    );
  }
}
