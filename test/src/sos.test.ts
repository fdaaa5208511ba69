import { startHttpReceiver, startSmtpServer } from "@kayaktrack/ingest/alert-receivers";
import { addDevice, removeTempDb, runCli, startServerProcess, tempDb } from "@kayaktrack/tools/server-process";
import { simulationOptions } from "@kayaktrack/tools/commands/simulate.ts";
import { simulate } from "@kayaktrack/tools/simulate/simulation.ts";
import { describe, expect, it } from "vitest";

/**
 * The paddler's SOS end to end: the firmware (on Node) reads the simulated NEO-6M, its button is
 * held 20 minutes into the trip and again 10 minutes later; batches go through the SIM900
 * emulator to a real `kayaktrack serve`, which tells a webhook and a mailbox (aiosmtpd).
 */
describe("SOS from the button to the people at home", () => {
  it("raises once, reaches the webhook and the mail once each, and the cancel likewise", async () => {
    const db = tempDb("kt-sos-");
    const [hook, smtp] = await Promise.all([startHttpReceiver(), startSmtpServer()]);
    const server = await startServerProcess(db, { KAYAKTRACK_SMTP_URL: smtp.url });
    try {
      const device = await addDevice(db, "Kari's kayak");
      for (const flag of [["--webhook", hook.url], ["--email", "mum@example.org"]]) {
        expect((await runCli(["alert", "contact", "add", "--device", String(device.id), ...flag!, "--db", db])).code).toBe(0);
      }
      const options = await simulationOptions({
        synthetic: "lake-loop", duration: "40m", speedup: "60", seed: "3", server: server.url, device: String(device.id), token: device.token,
        sosAt: "20m", sosCancelAt: "30m",
      });
      const result = await simulate(options);
      expect(result.uploaded).toBeGreaterThan(20);
      const deadline = Date.now() + 20_000;
      while ((hook.received.length < 2 || smtp.mails().length < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const events = hook.received.map((r) => JSON.parse(r.body) as { type: string; alert: { id: number; position: { time: string } | null; raisedAt: string } });
      expect(events.map((e) => e.type)).toEqual(["alert.raised", "alert.cleared"]);
      expect(new Set(events.map((e) => e.alert.id)).size).toBe(1);
      expect(smtp.mails().map((m) => m.headers.subject)).toEqual(["SOS from Kari's kayak", "SOS cancelled: Kari's kayak"]);
      // Raised at the fix kept after the hold: 20 minutes into the trip, give or take the hold and an epoch.
      const start = options.route.start;
      const raisedS = Date.parse(events[0]!.alert.raisedAt) / 1000 - start;
      expect(raisedS).toBeGreaterThanOrEqual(20 * 60);
      expect(raisedS).toBeLessThan(20 * 60 + 30);
    } finally {
      await server.kill();
      await Promise.all([hook.close(), smtp.close()]);
      removeTempDb(db);
    }
  }, 180_000);
});
