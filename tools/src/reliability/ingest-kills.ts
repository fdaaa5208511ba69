import { setTimeout as sleep } from "node:timers/promises";
import { addDevice, removeTempDb, startServerProcess, tempDb, type ServerProcess } from "../server-process.ts";
import { mulberry32 } from "@kayaktrack/firmware/testing/prng";
import { storedFixes } from "../testing/stored-fixes.ts";
import type { Profile, ReliabilityRow } from "./reliability-row.ts";
import { paddle, postBatch, trackerBatch } from "./tracker-batch.ts";

const n = (x: number) => x.toLocaleString("en-US");
const command = (profile: Profile) => `pnpm test:reliability --only ingest-kills${profile === "full" ? " --full" : ""}`;

// The scenario is about kills, not the rate limiter: uploaders may go as fast as the server takes them.
const SERVER_ENV = { KAYAKTRACK_RATE_PER_SEC: "100000", KAYAKTRACK_BURST: "100000", LOG_LEVEL: "warn" };
/** Fix times start 10 days back, well inside the server's sanity bounds. */
const T0 = Math.floor(Date.now() / 1000) - 10 * 86_400;

/** What the uploaders saw, per device: fix times (ms) sent, and those of acknowledged batches. */
interface Upload {
  id: number;
  sent: Set<number>;
  acked: Set<number>;
  batchesAcked: number;
}

interface Load {
  /** the server's url now: it changes at every restart */
  url: () => string;
  stopped: () => boolean;
  counts: { cut: number; refused: number };
}

/**
 * One tracker uploading without pause: batches of 1–40 fixes with increasing
 * seq, JSON and compact at random. As the firmware does, a batch that got no
 * acknowledgement (connection failed, or a reply that is not an ack) is sent
 * again, byte for byte, until it gets one.
 */
async function uploader(device: { id: number; token: string }, seed: number, load: Load): Promise<Upload> {
  const rand = mulberry32(seed);
  const up: Upload = { id: device.id, sent: new Set(), acked: new Set(), batchesAcked: 0 };
  let t = T0;
  for (let seq = 1; !load.stopped(); seq++) {
    const fixes = paddle(t, 1 + Math.floor(rand() * 40));
    t += fixes.length;
    const batch = trackerBatch(device.id, seq, fixes, rand() < 0.5 ? "json" : "binary");
    for (const ms of batch.timesMs) up.sent.add(ms);
    for (;;) {
      try {
        const reply = await postBatch(load.url(), device.token, batch);
        if (reply.ack) {
          for (const ms of batch.timesMs) up.acked.add(ms);
          up.batchesAcked++;
          break;
        }
      } catch (e) {
        // Refused: the server is down. Anything else: the kill cut the request.
        const code = ((e as Error).cause as { code?: string } | undefined)?.code;
        if (code === "ECONNREFUSED") load.counts.refused++;
        else load.counts.cut++;
      }
      if (load.stopped()) return up;
      await sleep(20 + rand() * 30);
    }
  }
  return up;
}

/**
 * Issue 8: the ingest service killed with SIGKILL under load, again and again,
 * restarted on the same database each time. Every acknowledged fix must be in
 * the database afterwards, read back through the API, exactly once.
 */
export async function ingestKills(profile: Profile, o: { kills?: number } = {}): Promise<ReliabilityRow[]> {
  const full = profile === "full";
  const kills = o.kills ?? (full ? 50 : 20);
  const devices = full ? 8 : 4;
  const rand = mulberry32(21);
  // Removed however the run ends, an error included.
  const db = tempDb("kt-rel-kills-");
  try {
    let server: ServerProcess = await startServerProcess(db, SERVER_ENV);
    let sigkilled = 0;
    let stop = false;
    const load: Load = { url: () => server.url, stopped: () => stop, counts: { cut: 0, refused: 0 } };
    try {
      const creds = [];
      for (let d = 0; d < devices; d++) creds.push(await addDevice(db, `kayak ${d + 1}`));
      const uploads = creds.map((c, i) => uploader(c, 100 + i, load));

      for (let k = 0; k < kills; k++) {
        // Some load between kills (and the start-up in between is load too: requests refused).
        await sleep(300 + rand() * (full ? 1500 : 900));
        const exit = await server.kill("SIGKILL");
        if (exit.signal === "SIGKILL") sigkilled++;
        server = await startServerProcess(db, SERVER_ENV);
      }
      await sleep(1000); // uploads resume on the last server before the check
      stop = true;
      const ups = await Promise.all(uploads);

      let acked = 0;
      let batches = 0;
      let missing = 0;
      let twice = 0;
      let phantom = 0;
      for (const up of ups) {
        const counts = new Map<number, number>();
        for (const f of await storedFixes(server.url, up.id)) {
          const ms = Math.round(f.time * 1000);
          counts.set(ms, (counts.get(ms) ?? 0) + 1);
        }
        for (const [ms, c] of counts) {
          if (c > 1) twice += c - 1;
          if (!up.sent.has(ms)) phantom++;
        }
        for (const ms of up.acked) if (!counts.has(ms)) missing++;
        acked += up.acked.size;
        batches += up.batchesAcked;
      }
      const scene =
        `${sigkilled} kills (SIGKILL) under ${devices} uploaders, ${n(acked)} fixes acknowledged in ${n(batches)} batches ` +
        `(${n(load.counts.cut)} requests cut, ${n(load.counts.refused)} refused)`;
      return [
        {
          check: "ingest kills: every acknowledged fix present",
          result: `${scene}; ${missing} missing`,
          target: "0 missing",
          pass: missing === 0 && sigkilled === kills && acked > 0,
          command: command(profile),
        },
        {
          check: "ingest kills: nothing stored twice",
          result: `${twice} fixes stored twice, ${phantom} stored that were never sent`,
          target: "0 and 0",
          pass: twice === 0 && phantom === 0,
          command: command(profile),
        },
      ];
    } finally {
      stop = true;
      await server.kill();
    }
  } finally {
    removeTempDb(db);
  }
}
