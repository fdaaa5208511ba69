/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser.
import { mkdirSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "@kayaktrack/tools/chromium";
import { ADMIN, addDevice, REPO, startServerProcess, tempDb, type ServerProcess } from "@kayaktrack/tools/server-process";
import { paddle, postBatches } from "./paddle.ts";
import { encodeBatch, SOS_CANCELLED, SOS_ON } from "@kayaktrack/firmware/wire";

// The web map in Debian's Chromium against a real `kayaktrack serve`, fed with real batches.
// Tiles point at a port Chromium refuses, as offline: the track must draw without them.
const SHOTS = join(REPO, "test-output", "map");
const TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png";
const DRAWN = "kayaktrack:track-drawn";
const HOSTILE = `<img src=x onerror="document.title='injected'">`;

describe("the web map in Chromium", () => {
  const cspViolations: string[] = [];
  const db = tempDb("kt-map-");
  let server: ServerProcess;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let device: { id: number; token: string };
  let seq = 1;
  let tripId: number;
  const now = Math.floor(Date.now() / 1000);

  const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `${name}.png`) });
  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(server.url + path, { ...init, headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json", ...init.headers } });
    expect(res.ok, `${path}: ${res.status}`).toBe(true);
    return (await res.json()) as T;
  };
  const drawn = (p: Page) => p.waitForFunction((name) => performance.getEntriesByName(name).length > 0, DRAWN, { timeout: 10_000 });
  const mapData = (p: Page, key: string) => p.locator("#map").getAttribute(`data-${key}`);
  /** Colours the map's canvas shows, as "r,g,b" strings, from a grid of pixels. */
  const canvasColours = (p: Page) =>
    p.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>("#map .leaflet-tracks-pane canvas")!;
      const g = canvas.getContext("2d")!;
      const { data } = g.getImageData(0, 0, canvas.width, canvas.height);
      const seen = new Set<string>();
      for (let i = 0; i < data.length; i += 4 * 7) if (data[i + 3] === 255) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      return [...seen];
    });

  beforeAll(async () => {
    if (!existsSync(join(REPO, "map-ui", "dist", "index.html"))) throw new Error("the map is not built: run pnpm build:map (pnpm test does)");
    mkdirSync(SHOTS, { recursive: true });
    device = await addDevice(db, "red kayak");
    server = await startServerProcess(db, { LOG_LEVEL: "warn", KAYAKTRACK_TILE_URL: TILES });
    // A 20-minute paddle two hours ago, posted as the firmware posts it.
    seq = await postBatches(server.url, device, paddle(now - 7200, 1200), seq);
    // A name that would be markup if the map ever wrote names as HTML.
    const hostile = await addDevice(db, HOSTILE);
    await postBatches(server.url, hostile, paddle(now - 600, 1, { lat: 59.91, lon: 10.71 }), 1);
    browser = await launchChromium();
    admin = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await admin.newPage();
    // The page's Content-Security-Policy must block nothing the map itself needs (checked after the last test).
    page.on("console", (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill("SIGKILL");
  });

  it("signs in with the admin token and lists the devices with status, last seen and battery", async () => {
    await page.goto(server.url + "/");
    await page.getByLabel("Admin token").waitFor();
    await shot(page, "1-sign-in");
    await page.getByLabel("Admin token").fill("wrong-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/not right/);

    await page.getByLabel("Admin token").fill(ADMIN);
    await page.keyboard.press("Enter");
    const card = page.locator(`[data-device="${device.id}"]`);
    await card.waitFor();
    expect(await card.textContent()).toMatch(/red kayak.*online.*last seen (just now|\d+ s ago).*battery 89 %/s);
    expect(await page.locator(".leaflet-tooltip", { hasText: HOSTILE }).count()).toBe(1);
    expect(await page.locator(".devices").textContent()).toContain(HOSTILE);
    expect(await page.title()).toBe("kayaktrack");
    await shot(page, "2-devices");
    // The token lasts for the tab (sessionStorage): a reload stays signed in.
    await page.reload();
    await card.waitFor();
  });

  it("lists a device's trips with their statistics", async () => {
    await page.locator(`[data-device="${device.id}"]`).getByRole("link", { name: "Trips" }).click();
    const trips = page.locator(".trips .trip");
    await trips.first().waitFor();
    expect(await trips.count()).toBe(1);
    const [trip] = (await api<{ trips: Array<{ id: number; distanceM: number }> }>(`/api/v1/devices/${device.id}/trips`)).trips;
    tripId = trip!.id;
    expect(await trips.first().textContent()).toContain(`${(trip!.distanceM / 1000).toFixed(2)} km · 19 min 59 s`);
    await shot(page, "3-trips");
  });

  it("draws a trip coloured by speed with its statistics, legend, chart and downloads, tiles or not", async () => {
    await page.locator(".trips .trip a").first().click();
    await drawn(page);
    expect(await page.url()).toContain(`#/trip/${tripId}`);
    expect(Number(await mapData(page, "track-points"))).toBeGreaterThanOrEqual(600); // every other fix, and the corners
    const stats = await page.getByLabel("Trip statistics").textContent();
    expect(stats).toMatch(/Distance2\.\d\d km/);
    expect(stats).toContain("Duration19 min 59 s");
    expect(stats).toContain("Max speed11.5 km/h");
    expect(stats).toContain("Fixes1,200");
    expect(await page.locator(".legend").textContent()).toContain("10+ km/h");
    // The canvas shows the scale's colours (the tiles all failed).
    const colours = await canvasColours(page);
    for (const rgb of ["33,113,181", "26,152,80", "197,27,27"]) expect(colours).toContain(rgb); // 2–4, 4–6, 10+ km/h
    expect(await page.locator(".leaflet-tile-loaded").count()).toBe(0);
    await shot(page, "4-trip");

    // Pointing at the track puts the chart's cursor there: at a red (10+ km/h) stretch the chart reads over 10 km/h.
    const red = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>("#map .leaflet-tracks-pane canvas")!;
      const { data, width } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === 197 && data[i + 1] === 27 && data[i + 2] === 27) return { x: ((i / 4) % width) / scale, y: Math.floor(i / 4 / width) / scale };
      }
      return undefined;
    });
    expect(red).toBeDefined();
    const canvasBox = (await page.locator("#map .leaflet-tracks-pane canvas").boundingBox())!;
    await page.mouse.move(canvasBox.x + red!.x + 2, canvasBox.y + red!.y + 2);
    const chart = page.locator(".chart-canvas");
    await expect.poll(() => chart.getAttribute("aria-valuenow")).not.toBeNull();
    const readout = /· ([\d.]+) km\/h ·/.exec((await page.locator(".chart-readout").textContent())!);
    expect(Number(readout![1])).toBeGreaterThanOrEqual(10);

    // The chart's arrow keys and the pointer over it move its cursor.
    await chart.focus();
    await page.keyboard.press("End");
    expect(await page.locator(".chart-readout").textContent()).toMatch(/^\d\d:\d\d:\d\d · [\d.]+ km\/h · \d m$/);
    const atEnd = Number(await chart.getAttribute("aria-valuenow"));
    await page.keyboard.press("ArrowLeft");
    expect(Number(await chart.getAttribute("aria-valuenow"))).toBeLessThan(atEnd);
    await chart.hover({ position: { x: 100, y: 60 } });
    expect(Number(await chart.getAttribute("aria-valuenow"))).toBeLessThan(atEnd / 2);

    // Zoomed in by keyboard, the map asks for a finer line.
    const finer = page.waitForRequest((r) => r.url().includes(`/api/v1/trips/${tripId}?zoom=`));
    await page.locator("#map").focus();
    await page.keyboard.press("Equal");
    await page.keyboard.press("Equal");
    expect(Number(new URL((await finer).url()).searchParams.get("zoom"))).toBeGreaterThan(Number(await mapData(page, "zoom")) - 1);

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download GPX" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`trip-${tripId}.gpx`);
    expect(readFileSync((await file.path())!, "utf8").match(/<trkpt /g)).toHaveLength(1200);
    const geo = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download GeoJSON" }).click();
    expect(JSON.parse(readFileSync((await (await geo).path())!, "utf8")).type).toBe("FeatureCollection");

    // A download the server refuses says so on the page.
    await page.route("**/api/v1/trips/*.gpx", (r) => r.fulfill({ status: 404, contentType: "application/json", body: JSON.stringify({ error: "not found", detail: "no trip 1" }) }));
    await page.getByRole("button", { name: "Download GPX" }).click();
    await expect.poll(() => page.locator(".downloads [role=alert]").textContent()).toMatch(/^Download GPX failed: .*no trip 1/);
    await page.unroute("**/api/v1/trips/*.gpx");
  });

  it("plays the trip back: play and pause, 1–64×, the scrubber and follow", async () => {
    const start = Number(await page.locator(".scrubber").getAttribute("min"));
    const end = Number(await page.locator(".scrubber").getAttribute("max"));
    await page.getByLabel("Playback speed").selectOption("64");
    await page.getByRole("button", { name: "Play" }).click();
    await expect.poll(async () => Number(await mapData(page, "playback-time")), { timeout: 5000 }).toBeGreaterThan(start + 60);
    expect(await mapData(page, "playing")).toBe("true");
    const centre = await page.evaluate(() => document.querySelector<HTMLElement>(".leaflet-map-pane")!.style.transform);
    await page.waitForTimeout(300);
    // Following the boat moves the map.
    expect(await page.evaluate(() => document.querySelector<HTMLElement>(".leaflet-map-pane")!.style.transform)).not.toBe(centre);
    // Keyboard: the button has focus after the click; Space pauses.
    await page.keyboard.press("Space");
    expect(await mapData(page, "playing")).toBe("false");
    const paused = Number(await mapData(page, "playback-time"));
    await page.waitForTimeout(300);
    expect(Number(await mapData(page, "playback-time"))).toBe(paused);
    await shot(page, "5-playback");

    await page.locator(".scrubber").fill(String(end - 10));
    expect(Number(await mapData(page, "playback-time"))).toBe(end - 10);
    await page.getByRole("button", { name: "Play" }).click();
    await expect.poll(() => mapData(page, "playing"), { timeout: 5000 }).toBe("false"); // stops at the end
    expect(Number(await mapData(page, "playback-time"))).toBe(end);
  });

  it("makes a share link that opens without a sign-in, lists it, and revokes it", async () => {
    await page.getByText("Share this trip…").click();
    await page.getByRole("button", { name: "Create link" }).click();
    const url = await page.getByLabel("Share link", { exact: true }).inputValue();
    expect(url).toMatch(new RegExp(`^${server.url}/s/[A-Za-z0-9_-]{20,}$`));

    const friend = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await friend.newPage();
    await phone.goto(url);
    await drawn(phone);
    expect(await phone.getByLabel("Admin token").count()).toBe(0);
    expect(await phone.getByLabel("Trip statistics").textContent()).toContain("Fixes1,200");
    expect(await phone.getByRole("link", { name: "Download GPX" }).getAttribute("href")).toMatch(/\/api\/v1\/shares\/.+\/export\.gpx$/);
    await shot(phone, "6-shared-trip-phone");

    await page.goto(`${server.url}/#/shares`);
    const row = page.locator(".shares [data-share]").first();
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Trip \d+ of red kayak.*active/s);
    await shot(page, "7-share-links");
    await row.getByRole("button", { name: "Revoke" }).click();
    await expect.poll(() => row.textContent()).toMatch(/revoked/);
    await phone.reload();
    await expect.poll(() => phone.getByRole("alert").textContent()).toMatch(/revoked/);
    await friend.close();
  });

  it("grows the live trail within a second of a posted batch, and resumes after the server restarts", async () => {
    await page.goto(`${server.url}/#/live/${device.id}`);
    await expect.poll(() => mapData(page, "live")).toBe("live");
    const before = Number(await mapData(page, "trail-points"));
    expect(before).toBe(1200);
    const fix = (t: number, i: number) => ({ time: t, lat: 59.95 + i * 1e-4, lon: 10.75, alt: 2, speed: 2, course: 0, battery: 77 });
    const t0 = Math.floor(Date.now() / 1000) - 10; // in the past: a share link shows nothing from the future
    for (let i = 1; i <= 3; i++) {
      const posted = Date.now();
      seq = await postBatches(server.url, device, [fix(t0 + i, i)], seq);
      await page.waitForFunction((n) => Number(document.getElementById("map")!.dataset.trailPoints) === n, before + i, { timeout: 1000, polling: 10 });
      expect(Date.now() - posted).toBeLessThan(1000);
    }
    // A late batch from three days ago is stored, but stays off the trail of the last day: the current fix after it is the only one added.
    seq = await postBatches(server.url, device, [fix(t0 - 3 * 86400, 9)], seq);
    seq = await postBatches(server.url, device, [fix(t0 + 4, 4)], seq);
    await expect.poll(async () => Number(await mapData(page, "trail-points")), { timeout: 2000 }).toBeGreaterThanOrEqual(before + 4);
    expect(Number(await mapData(page, "trail-points"))).toBe(before + 4);
    expect(await page.locator(".live-status").textContent()).toMatch(/Last update (just now|\d+ s ago) · live/);
    expect(await page.locator(".live").textContent()).toContain("battery 77 %");
    await page.waitForTimeout(400); // the map's pan to the newest fix
    await shot(page, "8-live");

    // The server goes away and comes back on the same port: the map reconnects and resumes.
    await server.kill("SIGTERM");
    await expect.poll(() => mapData(page, "live"), { timeout: 5000 }).not.toBe("live");
    server = await startServerProcess(db, { LOG_LEVEL: "warn", KAYAKTRACK_TILE_URL: TILES }, [], server.port);
    seq = await postBatches(server.url, device, [fix(t0 + 5, 5), fix(t0 + 6, 6)], seq);
    await expect.poll(async () => Number(await mapData(page, "trail-points")), { timeout: 15_000 }).toBe(before + 6);
    expect(await mapData(page, "live")).toBe("live");
  });

  it("shows a device's last position on its live view when nothing came in the last day", async () => {
    const quiet = await addDevice(db, "quiet kayak");
    await postBatches(server.url, quiet, paddle(now - 2 * 86400, 1, { lat: 59.92, lon: 10.72 }), 1);
    await page.goto(`${server.url}/#/live/${quiet.id}`);
    await expect.poll(() => mapData(page, "live")).toBe("live");
    // Its last position at the head, with its time, but no trail: a new fix will not be joined to it across two days.
    expect(await mapData(page, "trail-points")).toBe("0");
    expect(await page.locator(".live-status").textContent()).toMatch(/Last update \d+ d/);
  });

  it("skips to the panel without leaving the page", async () => {
    await page.goto(`${server.url}/#/device/${device.id}`);
    await page.locator(".panel h2").first().waitFor();
    await page.locator("a.skip").focus();
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => location.hash)).toBe(`#/device/${device.id}`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("panel");
  });

  it("makes a link to a device's live position, which shows the trail growing to a friend without a sign-in", async () => {
    // Made under "Share links", for the device's live position.
    await page.goto(`${server.url}/#/shares`);
    await page.getByLabel("Device").selectOption(String(device.id));
    await page.getByLabel("Expires").selectOption("1d");
    await page.getByRole("button", { name: "Create link" }).click();
    const url = await page.getByLabel("Share link", { exact: true }).inputValue();
    expect(await page.locator(".shares [data-share]").first().textContent()).toMatch(/Live position of red kayak.*active.*expires/s);
    const friend = await browser.newContext({ viewport: { width: 1024, height: 700 } });
    const view = await friend.newPage();
    await view.goto(url);
    await expect.poll(() => mapData(view, "live")).toBe("live");
    const before = Number(await mapData(view, "trail-points"));
    expect(before).toBe(1206);
    const t = Math.floor(Date.now() / 1000);
    seq = await postBatches(server.url, device, [{ time: t, lat: 59.96, lon: 10.75, alt: 2, speed: 2, course: 0 }], seq);
    await expect.poll(async () => Number(await mapData(view, "trail-points")), { timeout: 2000 }).toBe(before + 1);
    await shot(view, "9-shared-live");
    await friend.close();
  });

  it("tells a friend the link expired when it did so while the server was away, instead of reconnecting for ever", async () => {
    const share = await api<{ url: string }>("/api/v1/admin/shares", { method: "POST", body: JSON.stringify({ device: device.id, expires: 4 }) });
    const friend = await browser.newContext();
    const view = await friend.newPage();
    const opened = Date.now();
    await view.goto(share.url);
    await expect.poll(() => mapData(view, "live")).toBe("live");
    await server.kill("SIGTERM");
    await expect.poll(() => mapData(view, "live"), { timeout: 5000 }).toBe("reconnecting");
    await new Promise((r) => setTimeout(r, Math.max(0, opened + 4500 - Date.now())));
    server = await startServerProcess(db, { LOG_LEVEL: "warn", KAYAKTRACK_TILE_URL: TILES }, [], server.port);
    await expect.poll(() => mapData(view, "live"), { timeout: 15_000 }).toBe("ended");
    expect(await view.locator(".live-status").textContent()).toContain("ended: this share link has expired");
    await friend.close();
  });

  it("shows an SOS on a delayed share link within 10 s of the tracker's batch, and its cancel; the admin acknowledges it and sets rules", async () => {
    const share = await api<{ url: string }>("/api/v1/admin/shares", { method: "POST", body: JSON.stringify({ device: device.id, delay: 900 }) });
    const friend = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await friend.goto(share.url);
    await friend.locator(".live-status").waitFor();
    expect(await friend.locator(".alert-banner").isHidden()).toBe(true);
    const compact = (sosState: number, t: number) =>
      fetch(`${server.url}/api/v1/batches`, {
        method: "POST",
        headers: { "Content-Type": "application/vnd.kayaktrack.batch", Authorization: `Bearer ${device.token}` },
        body: Buffer.from(encodeBatch({ device: device.id, seq: 900_000 + t, batteryVolts: 3.9, counters: [], sos: sosState }, [{ time: t, lat: 59.95, lon: 10.75, alt: 1, speed: 0, course: 0, hdop: 0.9, sats: 8 }])),
      });
    const sent = Date.now();
    expect((await compact(SOS_ON, Math.floor(Date.now() / 1000) - 5)).status).toBe(200);
    await friend.locator(".alert-banner.sos").waitFor({ timeout: 10_000 });
    const shownAfterMs = Date.now() - sent;
    expect(await friend.locator(".alert-banner").textContent()).toMatch(/^SOS since \d\d:\d\d/);
    // Behind a 15-minute delay the friend sees where the boat is now: the SOS marker.
    expect(await friend.locator(".alert-banner").getAttribute("data-sos-at")).toBe("59.95,10.75");
    await shot(friend, "12-share-sos");

    await page.goto(`${server.url}/#/device/${device.id}`);
    const open = page.locator(".alert-list li.open").first();
    await open.waitFor();
    expect(await open.textContent()).toMatch(/SOS since/);
    await open.getByRole("button", { name: "Acknowledge" }).click();
    await expect.poll(() => page.locator(".alert-list li.open").first().textContent()).toMatch(/acknowledged/);
    await page.locator('input[name="overdueMin"]').fill("45");
    await page.locator('input[name="stillMin"]').fill("15");
    await page.getByRole("button", { name: "Save rules" }).click();
    await expect.poll(() => page.locator(".rules [role=status]").textContent()).toBe("Saved.");
    expect(await api(`/api/v1/devices/${device.id}/alert-rules`)).toMatchObject({ overdueMin: 45, stillMin: 15 });
    await shot(page, "13-device-alerts");

    expect((await compact(SOS_CANCELLED, Math.floor(Date.now() / 1000) - 1)).status).toBe(200);
    await friend.locator(".alert-banner").waitFor({ state: "hidden", timeout: 10_000 });
    await friend.context().close();
    console.info(`SOS on the share page ${shownAfterMs} ms after its batch`);
  });

  it("broke no rule of the page's Content-Security-Policy in any of the above (issue 22, item 9)", () => {
    expect(cspViolations).toEqual([]);
  });
});
