import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ADMIN, REPO, addDevice, removeTempDb, startServerProcess, tempDb } from "../server-process.ts";
import { storedFixes } from "../testing/stored-fixes.ts";
import { hostileCase, type HostileCase } from "./hostile-requests.ts";
import { rawRequest, type RawReply } from "./raw-http.ts";
import type { Profile, ReliabilityRow } from "./reliability-row.ts";
import { readAck } from "./tracker-batch.ts";

const n = (x: number) => x.toLocaleString("en-US");
const command = (profile: Profile) => `pnpm test:reliability --only hostile-http${profile === "full" ? " --full" : ""}`;

const CONCURRENCY = 16;
// Hostile requests must reach the parsing they aim at, not stop at the per-device rate limiter.
const SERVER_ENV = { KAYAKTRACK_RATE_PER_SEC: "100000", KAYAKTRACK_BURST: "100000", LOG_LEVEL: "warn" };
/** Text of files that must never be served: /etc/passwd, package.json files, the environment, the database, .git/config. */
const LEAK_MARKERS = ["root:x:0:0", '"name": "kayaktrack"', '"name": "@kayaktrack/', '"devDependencies"', "KAYAKTRACK_ADMIN_TOKEN=", "SQLite format 3", "[core]"];

/** Every file of the built map: what a static-file request may be answered with. */
function distFiles(dir = join(REPO, "map-ui", "dist")): Buffer[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? distFiles(join(dir, e.name)) : [readFileSync(join(dir, e.name))]));
}

interface Tally {
  statuses: Map<string, number>;
  fivexx: string[];
  unanswered: string[];
  owed: number;
  leaks: string[];
  staticRequests: number;
  /** fix times (ms) each device's own credentials may have added */
  mayStore: Map<number, Set<number>>;
  /** fix times of A's acknowledged batches */
  ackedA: Set<number>;
}

function judge(c: HostileCase, reply: RawReply, dist: Buffer[], t: Tally): void {
  const klass = reply.status > 0 ? `${Math.floor(reply.status / 100)}xx` : reply.status === 0 ? "no reply" : "timeout";
  t.statuses.set(klass, (t.statuses.get(klass) ?? 0) + 1);
  if (reply.status >= 500) t.fivexx.push(`${c.kind} → ${reply.status}`);
  if (!c.replyOptional) {
    t.owed++;
    if (reply.status <= 0) t.unanswered.push(`${c.kind} (${klass})`);
  }
  if (c.mayStore) {
    const set = t.mayStore.get(c.mayStore.device) ?? new Set<number>();
    for (const ms of c.mayStore.timesMs) set.add(ms);
    t.mayStore.set(c.mayStore.device, set);
  }
  if (c.batch && reply.status >= 200 && reply.status < 300 && readAck(c.batch.type, reply.body.toString("utf8"), c.batch.seq)) {
    for (const ms of c.batch.timesMs) t.ackedA.add(ms);
  }
  const text = reply.body.toString("latin1");
  const marker = LEAK_MARKERS.find((m) => text.includes(m));
  if (marker) t.leaks.push(`${c.kind} → ${reply.status} with ${JSON.stringify(marker)}`);
  if (c.staticFile) {
    t.staticRequests++;
    // A 2xx to a file request is one of the map's files, whole (HEAD: no body).
    const served = reply.status >= 200 && reply.status < 300 && reply.body.length > 0;
    if (served && !marker && !dist.some((f) => f.equals(reply.body))) t.leaks.push(`${c.kind} → ${reply.status}, ${reply.body.length} bytes not from map-ui/dist`);
  }
}

const firstFew = (xs: string[]) => (xs.length ? `: ${[...new Set(xs)].slice(0, 4).join("; ")}${new Set(xs).size > 4 ? "; …" : ""}` : "");

/**
 * Issue 8: 10,000 hostile requests (full: 30,000) against one real server
 * process with devices A and B (and C, a sink for admin imports and fuzzed
 * batches). The server must answer every one without a 5xx, stay up, write
 * nothing to a device but with its own credentials, and serve no file outside
 * the built map. Repeatable: request i is the same for the same seed.
 */
export async function hostileHttp(profile: Profile, o: { requests?: number; seed?: number } = {}): Promise<ReliabilityRow[]> {
  const total = o.requests ?? (profile === "full" ? 30_000 : 10_000);
  const seed = o.seed ?? 8;
  // Removed however the run ends, an error included.
  const db = tempDb("kt-rel-hostile-");
  try {
    const a = await addDevice(db, "A");
    const b = await addDevice(db, "B");
    const c = await addDevice(db, "C");
    const server = await startServerProcess(db, SERVER_ENV);
    try {
      const targets = { a, b, c, admin: ADMIN };
      const dist = distFiles();
      const tally: Tally = { statuses: new Map(), fivexx: [], unanswered: [], owed: 0, leaks: [], staticRequests: 0, mayStore: new Map(), ackedA: new Set() };
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < total; i = next++) {
          const hc = hostileCase(seed, i, targets);
          judge(hc, await rawRequest(server.port, hc.req), dist, tally);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));

      const alive = server.child.exitCode === null && server.child.signalCode === null;
      const health = alive ? await fetch(`${server.url}/healthz`).then(async (r) => `${r.status} ${await r.text()}`, (e: Error) => e.message) : "no process";
      const errorLogs = server.logs.filter((l) => Number(l.level) >= 50).length;

      // Fixes in the database, through the API: each device's only from requests with its own credentials.
      const foreign = (device: number, stored: Array<{ time: number }>) => stored.filter((f) => !tally.mayStore.get(device)?.has(Math.round(f.time * 1000))).length;
      const storedA = alive ? await storedFixes(server.url, a.id) : [];
      const storedB = alive ? await storedFixes(server.url, b.id) : [];
      const storedAms = new Set(storedA.map((f) => Math.round(f.time * 1000)));
      const missingA = [...tally.ackedA].filter((ms) => !storedAms.has(ms)).length;
      const foreignA = foreign(a.id, storedA);
      const foreignB = foreign(b.id, storedB);

      const statuses = [...tally.statuses].sort().map(([k, v]) => `${k} ${n(v)}`).join(", ");
      return [
        {
          check: "hostile HTTP: no 5xx responses",
          result: `${n(total)} requests, ${CONCURRENCY} at a time (seed ${seed}): ${statuses}; ${tally.fivexx.length} 5xx${firstFew(tally.fivexx)}`,
          target: "0",
          pass: tally.fivexx.length === 0,
          command: command(profile),
        },
        {
          check: "hostile HTTP: every request answered",
          result: `${n(tally.owed)} owed a reply (not those cut off mid-body), ${tally.unanswered.length} got none${firstFew(tally.unanswered)}`,
          target: "0",
          pass: tally.unanswered.length === 0,
          command: command(profile),
        },
        {
          check: "hostile HTTP: server alive and healthy at the end",
          result: `${alive ? "process running" : "process gone"}, /healthz ${health.trim()}; ${errorLogs} error log lines`,
          target: "running, 200",
          pass: alive && health.startsWith("200 ") && errorLogs === 0,
          command: command(profile),
        },
        {
          check: "hostile HTTP: no write to another device",
          result:
            `A: ${n(storedA.length)} fixes stored, ${foreignA} not from A's own credentials, ` +
            `${n(tally.ackedA.size)} acknowledged to A of which ${missingA} missing; ` +
            `B: ${n(storedB.length)} stored (its own Overland posts with A's id slipped in), ${foreignB} not from B's own`,
          target: "0 foreign, 0 missing",
          pass: alive && foreignA === 0 && foreignB === 0 && missingA === 0 && tally.ackedA.size > 0,
          command: command(profile),
        },
        {
          check: "hostile HTTP: no file outside map-ui/dist served",
          result: `${n(tally.staticRequests)} requests for files (path traversal and more), ${tally.leaks.length} answered otherwise${firstFew(tally.leaks)}`,
          target: "0",
          pass: tally.leaks.length === 0,
          command: command(profile),
        },
      ];
    } finally {
      await server.kill();
    }
  } finally {
    removeTempDb(db);
  }
}
