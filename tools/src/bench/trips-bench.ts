import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { openSqliteStore, type Fix } from "@kayaktrack/ingest";
import { ADMIN, removeTempDb, startServerProcess, tempDb } from "../server-process.ts";
import { writeBenchmarkSection } from "./benchmarks-doc.ts";
import { median } from "./median.ts";

export interface TripsBenchOptions {
  fixes?: string;
  json?: boolean;
  write?: boolean;
}


/**
 * One device's history: paddling at about 2 m/s, a fix a second, with an hour
 * ashore between trips. The first trip is half of all the fixes (a long
 * expedition), so exporting it shows whether memory stays flat.
 */
function* history(total: number): Generator<Fix[]> {
  const t0 = Math.floor(Date.now() / 1000) - total - 400 * 3600;
  let t = t0;
  let lat = 59.9;
  let lon = 10.7;
  let heading = 0;
  let left = Math.floor(total / 2);
  let written = 0;
  let page: Fix[] = [];
  while (written < total) {
    if (left === 0) {
      t += 3600; // ashore
      left = Math.min(total - written, 5000 + (written % 7) * 2000);
    }
    heading += Math.sin(t / 97) * 0.05;
    lat += (Math.cos(heading) * 2) / 111_320;
    lon += (Math.sin(heading) * 2) / (111_320 * Math.cos((lat * Math.PI) / 180));
    page.push({ time: t, lat, lon, alt: 1 + Math.sin(t / 50), speed: 2, course: ((heading * 180) / Math.PI + 360) % 360, hdop: 0.9, sats: 9, accuracy: null, battery: null });
    t += 1;
    left--;
    written++;
    if (page.length === 10_000) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

/** Resident memory of a process, MB (Linux). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * `pnpm bench:trips`: a device with 1,000,000 fixes in a real server process:
 * the first trip list (which splits every fix into trips), the list afterwards,
 * and the export of the largest trip as GPX, with the server's memory meanwhile.
 */
export async function benchTrips(options: TripsBenchOptions): Promise<void> {
  const total = Number(options.fixes ?? 1_000_000);
  const say = (s: string) => process.stderr.write(s + "\n");
  // Removed however the run ends, an error included.
  const db = tempDb("kt-bench-trips-");
  try {
    say(`writing ${total.toLocaleString("en")} fixes …`);
    const setup = openSqliteStore(db, { synchronous: "NORMAL" });
    const { device } = setup.addDevice("expedition");
    for (const page of history(total)) setup.write([{ deviceId: device.id, source: "batch", fixes: page }]);
    setup.close();

    const server = await startServerProcess(db, { LOG_LEVEL: "warn" });
    const headers = { Authorization: `Bearer ${ADMIN}` };
    try {
      const list = async () => {
        const t = performance.now();
        const res = await fetch(`${server.url}/api/v1/devices/${device.id}/trips`, { headers });
        const body = (await res.json()) as { trips: Array<{ id: number; fixes: number }> };
        return { ms: performance.now() - t, trips: body.trips };
      };
      say("first list (splits every fix into trips) …");
      const first = await list();
      const runs: number[] = [];
      for (let i = 0; i < 21; i++) runs.push((await list()).ms);
      const largest = first.trips.reduce((a, b) => (b.fixes > a.fixes ? b : a));

      /** Streams an export, sampling the server's memory meanwhile. */
      const download = async (path: string) => {
        const pid = server.child.pid!;
        const before = rssMb(pid);
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
        const t = performance.now();
        const res = await fetch(`${server.url}${path}`, { headers });
        let bytes = 0;
        for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
        const seconds = (performance.now() - t) / 1000;
        clearInterval(sampler);
        return { seconds, bytes, before, peak, growth: peak - before };
      };
      say(`exporting trip ${largest.id} (${largest.fixes.toLocaleString("en")} fixes) as GPX …`);
      const trip = await download(`/api/v1/trips/${largest.id}.gpx`);
      say(`exporting all ${total.toLocaleString("en")} fixes as GPX …`);
      const all = await download(`/api/v1/devices/${device.id}/export.gpx`);
      const exportS = trip.seconds;
      const bytes = trip.bytes;
      const rssBefore = trip.before;
      const rssPeak = trip.peak;

      const result = {
        fixes: total,
        trips: first.trips.length,
        firstListMs: Math.round(first.ms),
        listMs: Math.round(median(runs) * 10) / 10,
        largestTripFixes: largest.fixes,
        exportFixesPerSec: Math.round(largest.fixes / exportS),
        exportMB: Math.round(bytes / 1e5) / 10,
        rssBeforeMB: Math.round(rssBefore),
        rssPeakMB: Math.round(rssPeak),
        allExportMB: Math.round(all.bytes / 1e5) / 10,
        allRssGrowthMB: Math.round(all.growth),
      };
      const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
      const md = [
        "## Trips and exports (`pnpm bench:trips`)",
        "",
        `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}.`,
        `One device with ${total.toLocaleString("en")} fixes (${result.trips} trips, the largest ${largest.fixes.toLocaleString("en")} fixes) in a real \`kayaktrack serve\` process, over HTTP on loopback.`,
        "",
        "| what | figure |",
        "| --- | ---: |",
        `| first trip list (splits all fixes into trips and stores them) | ${result.firstListMs} ms |`,
        `| trip list with statistics, median of 21 | ${result.listMs} ms |`,
        `| GPX export of the largest trip | ${result.exportFixesPerSec.toLocaleString("en")} fixes/s (${result.exportMB} MB) |`,
        `| server memory (RSS) before the export → peak during it | ${result.rssBeforeMB} MB → ${result.rssPeakMB} MB (+${result.rssPeakMB - result.rssBeforeMB} MB) |`,
        `| the whole device exported (${result.allExportMB} MB): memory growth | +${result.allRssGrowthMB} MB |`,
        "",
        `- list under 200 ms: ${verdict(result.listMs < 200)}`,
        `- export over 100,000 fixes/s: ${verdict(result.exportFixesPerSec > 100_000)}`,
        `- flat memory (twice the data streamed grows memory by less than 1.5 times as much: +${result.rssPeakMB - result.rssBeforeMB} MB for ${result.exportMB} MB, +${result.allRssGrowthMB} MB for ${result.allExportMB} MB): ${verdict(result.allRssGrowthMB < 1.5 * Math.max(8, result.rssPeakMB - result.rssBeforeMB))}`,
      ].join("\n");
      process.stdout.write(md + "\n");
      if (options.write !== false) writeBenchmarkSection("trips", md);
      if (options.json) process.stdout.write(JSON.stringify(result) + "\n");
    } finally {
      await server.kill("SIGTERM");
    }
  } finally {
    removeTempDb(db);
  }
}
