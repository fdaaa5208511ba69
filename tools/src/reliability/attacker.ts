import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "undici";

/**
 * The attacks of issue 22, each as one person on loopback would make them. An
 * attack runs in a process of its own (attacker-process.ts), so that its own
 * work does not slow the fleet whose latencies are measured, only the machine.
 */
export interface AttackTarget {
  url: string;
  port: number;
  admin: string;
  /** a device of the fleet, and a device share link on it */
  fleetDevice: number;
  fleetShare: string;
  /** a trip share link on a long trip in progress, behind a delay */
  tripShare: string;
  /** the device that trip is on */
  tripDevice: number;
}

/** What an attack did, counted by outcome (HTTP status, "no reply", "held" …). */
export type AttackCounts = Record<string, number>;

/** An attack: `ready` once its load is under way, until `stopped`. */
export type Attack = (t: AttackTarget, stopped: () => boolean, counts: AttackCounts, ready: () => void) => Promise<void>;

const count = (counts: AttackCounts, what: string | number, n = 1) => (counts[what] = (counts[what] ?? 0) + n);

/** A request whose reply status is counted and whose body is read and dropped. */
async function hit(client: Client, counts: AttackCounts, opts: Parameters<Client["request"]>[0]): Promise<void> {
  try {
    const res = await client.request(opts);
    count(counts, res.statusCode);
    await res.body.dump({ limit: Infinity });
  } catch {
    count(counts, "no reply");
  }
}

/**
 * Slow bodies, no login: from 8 addresses, 300 connections each (more than a
 * client may hold), each sending a form upload's headers and then a byte every
 * 2 s; every connection the server closes is opened again.
 */
const slowBodies: Attack = async (t, stopped, counts, ready) => {
  const open = (address: string): Promise<void> =>
    new Promise((resolve) => {
      const s: Socket = connect({ port: t.port, host: "127.0.0.1", localAddress: address });
      let trickle: NodeJS.Timeout | undefined;
      s.on("connect", () => {
        count(counts, "opened");
        s.write("POST /api/v1/osmand HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\nlat=1");
        trickle = setInterval(() => s.writable && s.write("1"), 2000);
      });
      s.on("data", (d) => count(counts, `reply ${/^HTTP\/1\.1 (\d+)/.exec(d.toString())?.[1] ?? "?"}`));
      s.on("error", () => {});
      s.on("close", () => {
        clearInterval(trickle);
        count(counts, "closed by the server");
        resolve();
      });
      s.setTimeout(0);
    });
  const holders: Array<Promise<void>> = [];
  for (let a = 2; a < 10; a++) {
    for (let i = 0; i < 300; i++) {
      holders.push(
        (async () => {
          while (!stopped()) {
            await open(`127.0.0.${a}`);
            await sleep(500);
          }
        })(),
      );
    }
  }
  ready();
  while (!stopped()) await sleep(100);
  // The sockets stay open until the process ends.
};

/** A GPX nested three million levels deep (21 MB), imported again and again (with the admin token). */
const deepGpx: Attack = async (t, stopped, counts, ready) => {
  const body = Buffer.from(`<?xml version="1.0"?><gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1">${"<a>".repeat(3_000_000)}`);
  const client = new Client(t.url);
  ready();
  while (!stopped()) {
    await hit(client, counts, { method: "POST", path: `/api/v1/devices/${t.tripDevice}/imports?name=deep.gpx`, headers: { authorization: `Bearer ${t.admin}` }, body });
  }
  await client.close();
};

/** Four clients, no login, asking for a long trip in progress behind its delay, at every zoom in turn. */
const shareViews: Attack = async (t, stopped, counts, ready) => {
  ready();
  await Promise.all(
    Array.from({ length: 4 }, async (_, k) => {
      const client = new Client(t.url);
      for (let zoom = k; !stopped(); zoom = (zoom + 1) % 23) await hit(client, counts, { method: "GET", path: `/api/v1/shares/${t.tripShare}?zoom=${zoom}` });
      await client.close();
    }),
  );
};

/** One live stream: counted while open, read to the end, opened again a second after it ends or is refused. */
async function holdStream(url: string, path: string, headers: Record<string, string>, stopped: () => boolean, counts: AttackCounts): Promise<void> {
  while (!stopped()) {
    const ctrl = new AbortController();
    const stop = setInterval(() => stopped() && ctrl.abort(), 200);
    try {
      const res = await fetch(url + path, { headers, signal: ctrl.signal });
      count(counts, res.status);
      if (res.status === 200) {
        count(counts, "streams open");
        try {
          for await (const _ of res.body!) {
            // read and dropped, as a map would
          }
        } finally {
          count(counts, "streams open", -1);
        }
      } else await res.body?.cancel();
    } catch {
      if (!stopped()) count(counts, "no reply");
    } finally {
      clearInterval(stop);
    }
    await sleep(1000);
  }
}

/** 1,000 streams on one share link of a fleet device (no login) and 300 admin live streams of every device. */
const liveStreams: Attack = async (t, stopped, counts, ready) => {
  setTimeout(ready, 3000); // the streams open over the first seconds
  await Promise.all([
    ...Array.from({ length: 1000 }, () => holdStream(t.url, `/api/v1/shares/${t.fleetShare}/live`, {}, stopped, counts)),
    ...Array.from({ length: 300 }, () => holdStream(t.url, "/api/v1/live", { authorization: `Bearer ${t.admin}` }, stopped, counts)),
  ]);
};

/** Three clients importing a 60 MB GPX (400,000 points with extensions) again and again (with the admin token). */
const imports: Attack = async (t, stopped, counts, ready) => {
  const t0 = Math.floor(Date.now() / 1000) - 30 * 86_400;
  const points: string[] = [];
  let size = 0;
  for (let i = 0; size < 60_000_000; i++) {
    const p = `<trkpt lat="${(59 + (i % 10_000) * 1e-5).toFixed(5)}" lon="${(10 + i * 1e-6).toFixed(6)}"><ele>2.0</ele><time>${new Date((t0 + i) * 1000).toISOString()}</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>120</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>\n`;
    points.push(p);
    size += p.length;
  }
  const body = Buffer.from(
    `<?xml version="1.0"?><gpx xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1" version="1.1"><trk><trkseg>\n${points.join("")}</trkseg></trk></gpx>`,
  );
  ready();
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      const client = new Client(t.url, { bodyTimeout: 600_000, headersTimeout: 600_000 });
      while (!stopped()) {
        await hit(client, counts, { method: "POST", path: `/api/v1/devices/${t.tripDevice}/imports?name=big.gpx`, headers: { authorization: `Bearer ${t.admin}` }, body });
        await sleep(200);
      }
      await client.close();
    }),
  );
};

/** Every attack, by name, in the order the scenario runs them. */
export const ATTACKS: Record<string, { what: string; attack: Attack }> = {
  "slow-bodies": { what: "slow bodies: 2,400 connections from 8 addresses trickling a byte every 2 s (no login)", attack: slowBodies },
  "deep-gpx": { what: "a GPX nested 3,000,000 levels deep (21 MB), imported again and again", attack: deepGpx },
  "share-views": { what: "4 clients asking a 100,000-fix trip in progress behind a 10 min delay, every zoom in turn (no login)", attack: shareViews },
  "live-streams": { what: "1,000 streams on one share link of a fleet device (no login) and 300 admin live streams", attack: liveStreams },
  imports: { what: "3 clients importing a 60 MB GPX (about 270,000 points) again and again", attack: imports },
};
