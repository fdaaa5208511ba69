/// <reference lib="dom" />
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { freshDatabase, PG_SKIPPED, TEST_PG } from "@kayaktrack/ingest/pg-test-db";
import { launchChromium } from "@kayaktrack/tools/chromium";
import { ADMIN, addDevice, REPO, startServerProcess, type ServerProcess } from "@kayaktrack/tools/server-process";
import { paddle, type BatchFix } from "./map/paddle.ts";

// Issue 25: two `kayaktrack serve` processes on one PostgreSQL, as behind a reverse proxy. A trip is
// posted half to each; a live map on each shows the whole trail; every fix is stored once; and a
// process killed mid-batch loses nothing it acknowledged.
const TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"; // offline: the trail draws without tiles

describe.skipIf(!TEST_PG)(`two serve processes on one PostgreSQL${PG_SKIPPED}`, () => {
  const servers: ServerProcess[] = [];
  let browser: Browser | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.kill("SIGKILL");
    await drop?.();
  });

  it("stores a trip posted half to each once, shows it whole on a live map of each, and loses nothing acknowledged when one is killed mid-batch", async () => {
    if (!existsSync(join(REPO, "map-ui", "dist", "index.html"))) throw new Error("the map is not built: run pnpm build:map (pnpm test does)");
    const db = await freshDatabase();
    drop = db.drop;
    const device = await addDevice(db.url, "race kayak");
    const [a, b] = await Promise.all([0, 1].map(() => startServerProcess(db.url, { LOG_LEVEL: "warn", KAYAKTRACK_TILE_URL: TILES })));
    servers.push(a!, b!);
    const auth = { Authorization: `Bearer ${device.token}`, "Content-Type": "application/json" };
    const post = (s: ServerProcess, seq: number, fixes: BatchFix[]) =>
      fetch(`${s.url}/api/v1/batches`, { method: "POST", headers: auth, body: JSON.stringify({ device: device.id, seq, fixes }) });

    // A live map on each process.
    browser = await launchChromium();
    const maps: Page[] = [];
    for (const s of [a!, b!]) {
      const page = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
      await page.goto(s.url + "/");
      await page.getByLabel("Admin token").fill(ADMIN);
      await page.keyboard.press("Enter");
      await page.goto(`${s.url}/#/live/${device.id}`);
      await page.waitForFunction(() => document.getElementById("map")?.dataset.live === "live", undefined, { timeout: 10_000 });
      maps.push(page);
    }
    const trail = (p: Page) => p.evaluate(() => Number(document.getElementById("map")!.dataset.trailPoints));

    // Ten minutes of paddling, in batches of 50, one to A, the next to B.
    const now = Math.floor(Date.now() / 1000);
    const trip = paddle(now - 1300, 600);
    let seq = 1;
    for (let i = 0; i < trip.length; i += 50, seq++) {
      const res = await post(seq % 2 ? a! : b!, seq, trip.slice(i, i + 50));
      expect(res.status).toBe(200);
    }
    // The same batch to both at once: stored once, and both answer with its one acknowledgement.
    const twice = paddle(now - 700, 20, { lat: 59.95, lon: 10.8 });
    const [ra, rb] = await Promise.all([post(a!, seq, twice), post(b!, seq, twice)]);
    seq++;
    expect([ra.status, rb.status]).toEqual([200, 200]);
    expect(await ra.json()).toEqual(await rb.json());
    for (const page of maps) await expect.poll(() => trail(page), { timeout: 5000 }).toBe(620);

    // A tracker uploads to A; A is killed while a batch is on its way. What A acknowledged is stored;
    // the tracker sends what it was not told of again, this time to B.
    const rest = paddle(now - 680, 600, { lat: 59.96, lon: 10.8 });
    const acked: BatchFix[][] = [];
    let i = 0;
    for (; i < rest.length; i += 20, seq++) {
      const batch = rest.slice(i, i + 20);
      const sending = post(a!, seq, batch).then((r) => r.status, () => 0);
      if (acked.length === 10) {
        a!.child.kill("SIGKILL");
        await sending;
        break; // its answer is lost with A, whatever A did with it
      }
      expect(await sending).toBe(200);
      acked.push(batch);
    }
    await a!.exited;
    const stored = async () => {
      const res = await fetch(`${b!.url}/api/v1/devices/${device.id}/fixes?limit=5000`, { headers: { Authorization: `Bearer ${ADMIN}` } });
      return ((await res.json()) as { features: Array<{ id: number; properties: { time: number } }> }).features.map((f) => ({ id: f.id, time: f.properties.time }));
    };
    const times = new Set((await stored()).map((f) => f.time));
    for (const f of acked.flat()) expect(times.has(f.time), `acknowledged fix at ${f.time}`).toBe(true);
    for (; i < rest.length; i += 20, seq++) expect((await post(b!, seq, rest.slice(i, i + 20))).status).toBe(200);

    const all = await stored();
    expect(all).toHaveLength(1220);
    expect(new Set(all.map((f) => f.id)).size).toBe(1220);
    await expect.poll(() => trail(maps[1]!), { timeout: 5000 }).toBe(1220);
  }, 120_000);
});
