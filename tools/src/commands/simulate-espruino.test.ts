import { describe, expect, it } from "vitest";
import { addDevice, startServerProcess, tempDb } from "../server-process.ts";
import { storedFixes } from "../testing/stored-fixes.ts";
import { simulate } from "../simulate/simulation.ts";
import { simulationOptions } from "./simulate.ts";

// The built tracker (firmware/dist/tracker.js) on a real Espruino interpreter, its GPS and modem
// on pseudo-terminals, the modem emulated in front of a real ingest server. Memory on the board
// is a fixed pool of JsVars (5,100 on a Pico): use must level off, not grow with the fixes.
const bin = process.env.ESPRUINO_BIN;
const FIXES = 10_000;

describe("the tracker on the Espruino interpreter", () => {
  it.skipIf(!bin)(
    `keeps ${FIXES.toLocaleString("en-US")} fixes through the SIM900 emulator to the database, its JsVars level${bin ? "" : " — skipped: set ESPRUINO_BIN to an Espruino binary"}`,
    async () => {
      const db = tempDb("kt-esp-");
      const server = await startServerProcess(db, { LOG_LEVEL: "warn" });
      try {
        const device = await addDevice(db, "espruino");
        const options = await simulationOptions({
          synthetic: "lake-loop", duration: String(FIXES + 300) + "s", speedup: "25", seed: "41",
          server: server.url, device: String(device.id), token: device.token, espruino: bin!,
        });
        // Every epoch kept: 10,000 fixes in under three hours of trip; batches of 500, so that
        // modem sessions (about 30 s each) keep up with a fix a second.
        options.tracker.sampler = { minIntervalS: 1, minDistanceM: 0, maxIntervalS: 1 };
        // The interpreter keeps real time (the simulation cannot speed up its timers): the last fixes
        // go after uploadEveryS real seconds, within the simulation's wait for them.
        Object.assign(options.tracker, { batchFixes: 500, uploadAfterFixes: 500, uploadEveryS: 60 });
        const result = await simulate(options);

        const stored = await storedFixes(server.url, device.id);
        expect(result.journaled).toBeGreaterThanOrEqual(FIXES);
        expect(stored.length).toBe(result.journaled);

        const samples = result.jsvars.samples;
        const startUp = samples[0]!.used;
        const used = samples.map((s) => s.used);
        expect(Math.max(...used) - startUp, `JsVars: ${startUp} at start-up, ${Math.max(...used)} at most`).toBeLessThanOrEqual(1500);
        // No growth: a leak raises the floor, fix after fix (peaks come and go with each upload). The
        // median of the second half may not exceed that of the first (after its first 1,000 fixes).
        const last = samples[samples.length - 1]!.kept;
        const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
        const early = samples.filter((s) => s.kept >= 1000 && s.kept < last / 2).map((s) => s.used);
        const late = samples.filter((s) => s.kept >= last / 2).map((s) => s.used);
        const deciles = Array.from({ length: 10 }, (_, d) => samples.filter((s) => Math.floor((s.kept / (last + 1)) * 10) === d).map((s) => s.used));
        const shape = deciles.map((xs) => (xs.length ? `${Math.min(...xs)}–${median(xs)}–${Math.max(...xs)}` : "none")).join(", ");
        console.info(`Espruino: ${stored.length} fixes stored; JsVars ${startUp} at start-up, ${Math.max(...used)} at most; per tenth of the fixes (min–median–max): ${shape}`);
        expect(early.length).toBeGreaterThan(10);
        expect(median(late) - median(early), `JsVars (min–median–max per tenth of the fixes): ${shape}`).toBeLessThanOrEqual(100);
      } finally {
        await server.kill();
      }
    },
    1_200_000,
  );
});
