import { startHttpReceiver } from "@kayaktrack/ingest/alert-receivers";
import { describe, expect, it } from "vitest";
import { addDevice, removeTempDb, runCli, startServerProcess, tempDb } from "../server-process.ts";
import { simulate } from "../simulate/simulation.ts";
import { simulationOptions } from "./simulate.ts";

// The built tracker on a real Espruino interpreter: its SOS button (kayaktrack.press() typed on
// the interpreter's console, as there is no pin on a PC) held 3 s, through the SIM900 emulator to a
// real server, which tells a webhook; then held again to cancel.
const bin = process.env.ESPRUINO_BIN;

describe("the SOS on the Espruino interpreter", () => {
  it.skipIf(!bin)(`reaches the people at home, and so does its cancel${bin ? "" : " — skipped: set ESPRUINO_BIN to an Espruino binary"}`, async () => {
    const db = tempDb("kt-esp-sos-");
    const hook = await startHttpReceiver();
    const server = await startServerProcess(db, { LOG_LEVEL: "warn" });
    try {
      const device = await addDevice(db, "espruino");
      expect((await runCli(["alert", "contact", "add", "--device", String(device.id), "--webhook", hook.url, "--db", db])).code).toBe(0);
      const options = await simulationOptions({
        synthetic: "lake-loop", duration: "15m", speedup: "10", seed: "5", server: server.url, device: String(device.id), token: device.token, espruino: bin!,
        sosAt: "2m", sosCancelAt: "8m",
      });
      const logs: string[] = [];
      const result = await simulate({ ...options, onLog: (l) => logs.push(l) });
      const deadline = Date.now() + 30_000;
      while (hook.received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(logs).toEqual(expect.arrayContaining(["kayaktrack: SOS raised", "kayaktrack: SOS acknowledged by the server", "kayaktrack: SOS cancelled", "kayaktrack: SOS cancel acknowledged"]));
      expect(hook.received.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual(["alert.raised", "alert.cleared"]);
      expect(result.uploaded).toBeGreaterThan(0);
      console.info(`Espruino SOS: JsVars ${result.jsvars.first ?? "?"} at start-up, ${result.jsvars.max ?? "?"} at most`);
    } finally {
      await server.kill();
      await hook.close();
      removeTempDb(db);
    }
  }, 600_000);
});
