import { startHttpReceiver, startSmtpServer } from "@kayaktrack/ingest/alert-receivers";
import { launchChromium } from "@kayaktrack/tools/chromium";
import { simulationOptions } from "@kayaktrack/tools/commands/simulate.ts";
import { ADMIN, addDevice, removeTempDb, runCli, startServerProcess, tempDb } from "@kayaktrack/tools/server-process";
import { simulate } from "@kayaktrack/tools/simulate/simulation.ts";
import { describe, expect, it } from "vitest";

/**
 * Issue 24's trip, end to end. The firmware (on Node) reads the simulated NEO-6M; the boat stops
 * on the water 15 minutes in, for 20; 25 minutes in the paddler holds the SOS button, and 7
 * minutes later holds it again. Batches go through the SIM900 emulator to a real `kayaktrack
 * serve`, which watches a "still" rule and tells a webhook and a mailbox (aiosmtpd); a friend has
 * the device's share link, 15 minutes delayed, open in Chromium.
 */
describe("a stop mid-lake, then an SOS, from the button to the people at home", () => {
  it("tells each contact of each event once, shows the SOS on the share page within 10 s, and the cancel clears it", async () => {
    const db = tempDb("kt-sos-");
    const [hook, smtp] = await Promise.all([startHttpReceiver(), startSmtpServer()]);
    const server = await startServerProcess(db, { KAYAKTRACK_SMTP_URL: smtp.url, LOG_LEVEL: "warn" });
    const browser = await launchChromium();
    try {
      const device = await addDevice(db, "Kari's kayak");
      const d = String(device.id);
      for (const flag of [["--webhook", hook.url], ["--email", "mum@example.org"]]) {
        expect((await runCli(["alert", "contact", "add", "--device", d, ...flag!, "--db", db])).code).toBe(0);
      }
      expect((await runCli(["alert", "rules", "--device", d, "--still", "5m", "--db", db])).code).toBe(0);
      const share = await (await fetch(`${server.url}/api/v1/admin/shares`, {
        method: "POST", headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" }, body: JSON.stringify({ device: device.id, delay: 900 }),
      })).json() as { url: string; token: string };

      const options = await simulationOptions({
        synthetic: "lake-loop", duration: "45m", speedup: "60", seed: "3", server: server.url, device: d, token: device.token,
        stop: "20m@15m", sosAt: "25m", sosCancelAt: "32m",
      });
      const trip = simulate(options);

      // The friend's page, open from the start; the share's own answer says when the server has the SOS.
      const page = await (await browser.newContext()).newPage();
      await page.goto(share.url);
      let serverHadSos = 0;
      const watch = (async () => {
        while (!serverHadSos) {
          const r = (await (await fetch(`${server.url}/api/v1/shares/${share.token}/alerts`)).json()) as { sos: unknown };
          if (r.sos) serverHadSos = Date.now();
          else await new Promise((res) => setTimeout(res, 100));
        }
      })();
      await page.locator(".alert-banner.sos").waitFor({ timeout: 60_000 });
      const shown = Date.now();
      await watch;
      expect(shown - serverHadSos, "the banner after the server had the SOS").toBeLessThan(10_000);
      console.info(`SOS banner on the share page ${shown - serverHadSos} ms after the server had it`);
      expect(await page.locator(".alert-banner .sos").textContent()).toMatch(/^SOS since \d\d:\d\d/);
      // The marker is where the boat stopped (give or take the GPS's few metres), not 15 minutes behind.
      const [lat, lon] = (await page.locator(".alert-banner").getAttribute("data-sos-at"))!.split(",").map(Number);
      const stoppedAt = options.route.at(options.route.start + 15 * 60);
      const metres = Math.hypot((lat! - stoppedAt.lat) * 111_195, (lon! - stoppedAt.lon) * 111_195 * Math.cos((lat! * Math.PI) / 180));
      expect(metres).toBeLessThan(50);
      await page.locator(".alert-banner .sos").waitFor({ state: "detached", timeout: 60_000 });

      const result = await trip;
      expect(result.uploaded).toBeGreaterThan(20);
      // Each kind raised once and cleared once, to each contact once.
      const want = ["alert.cleared sos", "alert.cleared still", "alert.raised sos", "alert.raised still"];
      const deadline = Date.now() + 30_000;
      while ((hook.received.length < 4 || smtp.mails().length < 4) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 2000));
      const events = hook.received.map((r) => JSON.parse(r.body) as { type: string; alert: { kind: string } });
      expect(events.map((e) => `${e.type} ${e.alert.kind}`).sort()).toEqual(want);
      expect(smtp.mails().map((m) => m.headers.subject).sort()).toEqual(["Kari's kayak has not moved", "Kari's kayak is moving again", "SOS cancelled: Kari's kayak", "SOS from Kari's kayak"]);
    } finally {
      await browser.close();
      await server.kill();
      await Promise.all([hook.close(), smtp.close()]);
      removeTempDb(db);
    }
  }, 240_000);
});
