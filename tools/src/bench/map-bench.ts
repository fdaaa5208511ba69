import { cpus } from "node:os";
import { openSqliteStore, type Fix } from "@kayaktrack/ingest";
import { launchChromium } from "../chromium.ts";
import { ADMIN, removeTempDb, startServerProcess, tempDb } from "../server-process.ts";
import { writeBenchmarkSection } from "./benchmarks-doc.ts";
import { median } from "./median.ts";

export interface MapBenchOptions {
  fixes?: string;
  runs?: string;
  updates?: string;
  json?: boolean;
  write?: boolean;
}

const max = (xs: number[]) => Math.max(...xs);
const round = (x: number) => Math.round(x);

/** One long paddle, a fix a second, ending an hour ago (so the live view's last day holds all of it). */
function* paddle(total: number): Generator<Fix[]> {
  let t = Math.floor(Date.now() / 1000) - 3600 - total;
  let lat = 59.9;
  let lon = 10.7;
  let heading = 0;
  let page: Fix[] = [];
  for (let i = 0; i < total; i++) {
    const speed = 2 + 1.2 * Math.sin(i / 90);
    heading += 0.01 * Math.sin(i / 500);
    lat += (Math.cos(heading) * speed) / 111_320;
    lon += (Math.sin(heading) * speed) / (111_320 * Math.cos((lat * Math.PI) / 180));
    page.push({ time: t++, lat, lon, alt: 2 + Math.sin(i / 300), speed, course: null, hdop: 0.9, sats: 9, accuracy: null, battery: null });
    if (page.length === 10_000) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

/** What the page records (an init script, so nothing waits on a round trip to the benchmark). */
const PAGE_PROBE = `
sessionStorage.setItem("kayaktrack.adminToken", ${JSON.stringify(ADMIN)});
window.__bench = { trail: [] };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.name !== "kayaktrack:track-drawn") continue;
    // As soon as the track is drawn, press an arrow key on the map and time its first moving frame.
    const map = document.getElementById("map");
    const pane = map.querySelector(".leaflet-map-pane");
    const before = pane.style.transform;
    map.focus();
    const key = performance.now();
    new MutationObserver((_, observer) => {
      if (pane.style.transform === before) return;
      observer.disconnect();
      window.__bench.drawn = e.startTime;
      window.__bench.key = key;
      window.__bench.moved = performance.now();
    }).observe(pane, { attributes: true, attributeFilter: ["style"] });
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", keyCode: 39, bubbles: true }));
  }
}).observe({ type: "mark", buffered: true });
// The live trail: when its point count changes, the epoch ms of the next frame (when it is on screen).
new MutationObserver(() => {
  const map = document.getElementById("map");
  if (!map || !map.dataset.trailPoints) return;
  const n = Number(map.dataset.trailPoints);
  requestAnimationFrame(() => window.__bench.trail.push({ n, at: performance.timeOrigin + performance.now() }));
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-trail-points"] });
`;

/**
 * `pnpm bench:map`: a trip of 100,000 fixes in a real server, opened in
 * headless Chromium: the time from navigation until the track is drawn and
 * until the map answers a key press; then the live view of the same device,
 * and the time from posting a batch until the trail shows its fix.
 */
export async function benchMap(options: MapBenchOptions): Promise<void> {
  const total = Number(options.fixes ?? 100_000);
  const runs = Number(options.runs ?? 7);
  const updates = Number(options.updates ?? 20);
  const say = (s: string) => process.stderr.write(s + "\n");
  // Removed however the run ends, an error included.
  const db = tempDb("kt-bench-map-");
  try {
    say(`writing a trip of ${total.toLocaleString("en")} fixes …`);
    const setup = openSqliteStore(db, { synchronous: "NORMAL" });
    const { device, token } = setup.addDevice("expedition");
    for (const page of paddle(total)) setup.write([{ deviceId: device.id, source: "batch", fixes: page }]);
    setup.close();

    const server = await startServerProcess(db, { LOG_LEVEL: "warn", KAYAKTRACK_TILE_URL: "http://127.0.0.1:9/{z}/{x}/{y}.png" });
    const browser = await launchChromium().catch(async (e: unknown) => {
      await server.kill("SIGTERM");
      throw e;
    });
    try {
      const headers = { Authorization: `Bearer ${ADMIN}` };
      const { trips } = (await (await fetch(`${server.url}/api/v1/devices/${device.id}/trips`, { headers })).json()) as { trips: Array<{ id: number; fixes: number }> };
      const trip = trips.reduce((a, b) => (b.fixes > a.fixes ? b : a));
      if (trip.fixes !== total) throw new Error(`expected one trip of ${total} fixes, got ${JSON.stringify(trips)}`);
      // The server keeps the display of trips viewed last: each zoom here is a first read of the fixes.
      const coldApiMs: number[] = [];
      let points = 0;
      for (const zoom of [16, 17, 18, 19, 20]) { // not the zoom that fits the trip, which the page asks for
        const t = performance.now();
        await (await fetch(`${server.url}/api/v1/trips/${trip.id}?zoom=${zoom}`, { headers })).json();
        coldApiMs.push(performance.now() - t);
      }
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript(PAGE_PROBE);
      type Probe = { drawn: number; key: number; moved: number };
      const loads: Probe[] = [];
      for (let i = 0; i < runs; i++) {
        say(`opening the trip in Chromium (${i + 1}/${runs}) …`);
        const page = await context.newPage();
        await page.goto(`${server.url}/#/trip/${trip.id}`);
        // Predicates as functions, not strings: the page's Content-Security-Policy forbids eval, which a
        // string predicate needs. They run in the page, whose names this package's types do not know.
        await page.waitForFunction(() => (globalThis as any).__bench.moved !== undefined, undefined, { timeout: 30_000 });
        loads.push((await page.evaluate("window.__bench")) as Probe);
        await page.close();
      }
      const [first, ...warm] = loads;
      const warmApiMs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const body = (await (await fetch(`${server.url}/api/v1/trips/${trip.id}`, { headers })).json()) as { track: { time: number[] } };
        warmApiMs.push(performance.now() - t);
        points = body.track.time.length;
      }
      const drawnMs = median(warm.map((l) => l.drawn));
      const respondsMs = median(warm.map((l) => l.moved));
      const keyMs = median(warm.map((l) => l.moved - l.key));

      say(`the live view (the last day: ${total.toLocaleString("en")} fixes) …`);
      const page = await context.newPage();
      const liveStart = performance.now();
      await page.goto(`${server.url}/#/live/${device.id}`);
      await page.waitForFunction(() => (globalThis as any).document.getElementById("map")?.dataset.live === "live", undefined, { timeout: 60_000 });
      const liveLoadMs = performance.now() - liveStart;
      const latencies: number[] = [];
      let seq = 1;
      for (let i = 0; i < updates; i++) {
        const before = Number(await page.evaluate(`document.getElementById("map").dataset.trailPoints`));
        const t = Math.floor(Date.now() / 1000) - 60 + i;
        const posted = performance.timeOrigin + performance.now();
        const res = await fetch(`${server.url}/api/v1/batches`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
          body: JSON.stringify({ device: device.id, seq: seq++, fixes: [{ time: t, lat: 60 + i * 1e-4, lon: 10.8, speed: 2 }] }),
        });
        if (res.status !== 200) throw new Error(`batch refused: ${res.status}`);
        const shownAt = `window.__bench.trail.find((e) => e.n === ${before + 1})?.at`;
        await page.waitForFunction((n) => (globalThis as any).__bench.trail.find((e: { n: number }) => e.n === n)?.at !== undefined, before + 1, { timeout: 5000 });
        const shown = (await page.evaluate(shownAt)) as number;
        latencies.push(shown - posted);
        await new Promise((r) => setTimeout(r, 150));
      }
      await context.close();

      const result = {
        fixes: total,
        displayPoints: points,
        tripApiColdMs: round(median(coldApiMs)),
        tripApiMs: round(median(warmApiMs)),
        firstDrawnMs: round(first!.drawn),
        drawnMs: round(drawnMs),
        respondsMs: round(respondsMs),
        keyToMoveMs: round(keyMs),
        liveLoadMs: round(liveLoadMs),
        liveMedianMs: round(median(latencies)),
        liveMaxMs: round(max(latencies)),
      };
      const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
      const md = [
        "## The map (`pnpm bench:map`)",
        "",
        `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, headless Chromium ${browser.version()} (1280×800, tiles unreachable as offline).`,
        `One trip of ${total.toLocaleString("en")} fixes in a real \`kayaktrack serve\` process; the map draws its display track of ${points.toLocaleString("en")} points (trips/display-track.ts).`,
        "Times from the start of navigation. The first load is cold: the server reads the trip's 100,000 fixes (it then keeps the trip's display, trips/trip-view.ts) and the browser's cache is empty; the others are the median of the loads after it.",
        "",
        "| what | figure |",
        "| --- | ---: |",
        `| \`GET /api/v1/trips/ID\` alone: first read of the fixes / display kept (medians of 5) | ${result.tripApiColdMs} ms / ${result.tripApiMs} ms |`,
        `| page opened → track drawn, first load (cold) | ${result.firstDrawnMs} ms |`,
        `| page opened → track drawn, median of ${runs - 1} | ${result.drawnMs} ms |`,
        `| page opened → the map moves for an arrow key pressed when the track is drawn | ${result.respondsMs} ms (${result.keyToMoveMs} ms from the key) |`,
        `| live view opened with the last day's ${total.toLocaleString("en")} fixes | ${result.liveLoadMs} ms |`,
        `| batch posted → its fix on the live trail (next frame), median of ${updates} / worst | ${result.liveMedianMs} ms / ${result.liveMaxMs} ms |`,
        "",
        `- track drawn in under 1 s: ${verdict(result.drawnMs < 1000 && result.firstDrawnMs < 1000)}`,
        `- the map responds within 1 s of opening: ${verdict(result.respondsMs < 1000)}`,
        `- live update in under 500 ms: ${verdict(result.liveMaxMs < 500)}`,
      ].join("\n");
      process.stdout.write(md + "\n");
      if (options.write !== false) writeBenchmarkSection("map", md);
      if (options.json) process.stdout.write(JSON.stringify(result) + "\n");
    } finally {
      await browser.close();
      await server.kill("SIGTERM");
    }
  } finally {
    removeTempDb(db);
  }
}
