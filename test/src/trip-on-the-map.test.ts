/// <reference lib="dom" />
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium } from "@kayaktrack/tools/chromium";
import { simulationOptions } from "@kayaktrack/tools/commands/simulate.ts";
import { ADMIN, addDevice, REPO, startServerProcess, tempDb, type ServerProcess } from "@kayaktrack/tools/server-process";
import { distance } from "@kayaktrack/tools/simulate/world/geo.ts";
import { simulate } from "@kayaktrack/tools/simulate/simulation.ts";

// The whole chain: a simulated NEO-6M on a pseudo-terminal → the firmware (on Node) → the SIM900
// emulator on another → `kayaktrack serve` → the web map in Chromium. The trip's statistics on the
// map must match the route the simulator paddled, within 1%.
const SHOTS = join(REPO, "test-output", "end-to-end");
const TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"; // offline: the track draws without tiles

/** "4.93 km" → metres; "49 min 52 s" → seconds (the map's own formats, map-ui/src/format.ts). */
const metres = (text: string) => Number(/([\d.]+) km/.exec(text)![1]) * 1000;
const seconds = (text: string) => {
  const m = /(?:(\d+) h )?(?:(\d+) min)?(?: ?(\d+) s)?/.exec(text)!;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
};

describe("a simulated trip, end to end", () => {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await server?.kill("SIGKILL");
  });

  it("travels GPS pty → firmware → SIM900 emulator → ingest → map, and the map's statistics match the route within 1%", async () => {
    mkdirSync(SHOTS, { recursive: true });
    const db = tempDb("kt-e2e-");
    const device = await addDevice(db, "lake kayak");
    server = await startServerProcess(db, { LOG_LEVEL: "warn", KAYAKTRACK_TILE_URL: TILES });
    const options = await simulationOptions({ synthetic: "lake-loop", duration: "1h", speedup: "100", seed: "31", server: server.url, device: String(device.id), token: device.token });
    const result = await simulate(options);
    expect(result.uploaded).toBe(result.journaled);

    // The route as paddled, from the GPS's first fix to the last the firmware could keep
    // (the trip's last epoch stays open: an epoch closes when the next begins).
    const first = result.generated[0]!.time;
    const last = result.generated[result.generated.length - 2]!.time;
    let paddled = 0;
    for (let t = first + 1; t <= last; t++) paddled += distance(options.route.at(t - 1), options.route.at(t));

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url + "/");
    await page.getByLabel("Admin token").fill(ADMIN);
    await page.keyboard.press("Enter");
    await page.locator(`[data-device="${device.id}"]`).getByRole("link", { name: "Trips" }).click();
    const trips = page.locator(".trips .trip");
    await trips.first().waitFor();
    expect(await trips.count()).toBe(1);
    await trips.first().locator("a").first().click();
    await page.waitForFunction(() => performance.getEntriesByName("kayaktrack:track-drawn").length > 0, undefined, { timeout: 10_000 });
    const stats = (await page.getByLabel("Trip statistics").textContent())!;
    await page.screenshot({ path: join(SHOTS, "lake-loop.png") });

    // The map writes distances to 10 m, and durations over an hour to the minute: the service's exact figures are checked too.
    const [trip] = (await (await fetch(`${server.url}/api/v1/devices/${device.id}/trips`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json()).trips as Array<{ distanceM: number; durationS: number }>;
    const shownDistance = metres(/Distance([\d.]+ km)/.exec(stats)![1]!);
    const shownDuration = seconds(/Duration([\dhmins ]+?)(?=[A-Z]|$)/.exec(stats)![1]!);
    const route = { distance: paddled, duration: last - first };
    expect(Math.abs(shownDistance - route.distance) / route.distance, `distance: map ${shownDistance} m, route ${route.distance.toFixed(0)} m`).toBeLessThan(0.01);
    expect(Math.abs(trip!.distanceM - route.distance) / route.distance).toBeLessThan(0.01);
    expect(Math.abs(trip!.durationS - route.duration) / route.duration, `duration: service ${trip!.durationS} s, route ${route.duration} s`).toBeLessThan(0.01);
    expect(Math.abs(shownDuration - trip!.durationS), `duration on the map: ${shownDuration} s`).toBeLessThanOrEqual(30);
    expect(stats).toContain(`Fixes${result.journaled.toLocaleString("en-US")}`);
  }, 180_000);
});
