import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { addDevice, startServerProcess, tempDb } from "../server-process.ts";
import { journaledFixes, simulate, type GeneratedFix } from "../simulate/simulation.ts";
import { storedFixes } from "../testing/stored-fixes.ts";
import { simulationOptions } from "./simulate.ts";

// Issue 20: the built tracker (firmware/dist/tracker.js) on the real Espruino interpreter, fed in real
// time by a simulated NEO-6M at paddling speed, its batches through the SIM900 emulator into a real
// server: once with the GPS on today's date, once with a GPS whose dates are 1,024 weeks early (the
// week-rollover bug), while the board's clock says today. Before, the second lost 3 of 4 batches
// (a negative seq went on air as one truncated byte) and the firmware's setTime() made the
// interpreter's timers storm.
const bin = process.env.ESPRUINO_BIN;
const SECONDS = 200;
const skipped = bin ? "" : " — skipped: set ESPRUINO_BIN to an Espruino binary";

/** One run: what the GPS sent, what the card holds, what the server stored, and what the firmware reported. */
async function run(server: { url: string }, db: string, weekRollover: boolean) {
  const device = await addDevice(db, weekRollover ? "rollover" : "today");
  const card = join(mkdtempSync(join(tmpdir(), "kt-esp-dates-")), "card");
  const options = await simulationOptions({
    synthetic: "lake-loop", duration: `${SECONDS}s`, speedup: "1", seed: weekRollover ? "8" : "7",
    server: server.url, device: String(device.id), token: device.token, espruino: bin!, card,
    ...(weekRollover ? { gpsWeekRollover: true } : {}),
  });
  // Several batches in the run: an upload once 12 fixes are pending, as the run had.
  Object.assign(options.tracker, { batchFixes: 12, uploadAfterFixes: 12, uploadEveryS: 60, firstUploadAfterS: 10 });
  const logs: string[] = [];
  const started = Date.now();
  const result = await simulate({ ...options, onLog: (line) => logs.push(line) });
  const elapsedS = (Date.now() - started) / 1000;
  return { result, journaled: journaledFixes(card), stored: await storedFixes(server.url, device.id), logs, elapsedS };
}

/** The generated fix (the truth the GPS reported) at a journaled fix's time, or undefined. */
const at = (generated: GeneratedFix[], time: number) => generated.find((g) => Math.abs(g.time - time) < 0.05);

describe("the tracker on the Espruino interpreter, against GPS dates", () => {
  it.skipIf(!bin)(
    `uploads every journaled fix, at the GPS's time and position, with today's date and with a week-rollover GPS${skipped}`,
    async () => {
      const db = tempDb("kt-esp-dates-");
      const server = await startServerProcess(db, { LOG_LEVEL: "warn" });
      try {
        // The two runs side by side: the interpreter and the emulator are mostly idle, waiting for the GPS.
        const runs = await Promise.all([run(server, db, false), run(server, db, true)]);
        for (const [i, r] of runs.entries()) {
          const name = i ? "week rollover" : "today";
          const { result, journaled, stored, logs } = r;
          const status = result.lastStatus!;
          const samples = result.jsvars.samples.map((s) => s.used);
          console.info(
            `Espruino, GPS ${name}: ${result.generated.length} fixes sent by the GPS, ${journaled.length} journaled, ${stored.length} stored, ` +
              `${status.batches} batches acknowledged, ${logs.filter((l) => /set aside/.test(l)).length} refused; JsVars ${samples[0]} at start-up, ${Math.min(...samples)}–${Math.max(...samples)}; ` +
              `status interval fired ${samples.length} times in ${Math.round(r.elapsedS)} s`,
          );
          expect(logs.filter((l) => /refused|set aside/.test(l)), `${name}: no batch refused`).toEqual([]);
          expect(journaled.length, `${name}: fixes kept over ${SECONDS} s (one every ~25 m paddling, every 2 min ashore)`).toBeGreaterThanOrEqual(10);
          // Every journaled fix is stored, with the time and position the GPS sent (moved on by 1,024 weeks after a rollover).
          const key = (f: { time: number }) => Math.round(f.time * 10);
          expect(stored.map(key).sort(), name).toEqual(journaled.map(key).sort());
          for (const f of stored) {
            const truth = at(result.generated, f.time);
            expect(truth, `${name}: a stored fix at ${new Date(f.time * 1000).toISOString()} the GPS sent`).toBeDefined();
            expect(Math.abs(f.lat - truth!.lat), name).toBeLessThan(1.1e-5);
            expect(Math.abs(f.lon - truth!.lon), name).toBeLessThan(1.1e-5);
          }
          // Memory: within 1,500 JsVars of start-up, and the second half no higher than the first.
          expect(Math.max(...samples) - samples[0]!, `${name}: JsVars`).toBeLessThanOrEqual(1500);
          const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
          const half = Math.floor(samples.length / 2);
          expect(median(samples.slice(half)) - median(samples.slice(10, half)), `${name}: JsVars growing`).toBeLessThanOrEqual(100);
          // Timers: the harness's 1 s status interval printed about once a second (no storm after the clock was set, no stall).
          expect(samples.length, name).toBeLessThanOrEqual(r.elapsedS + 5);
          expect(samples.length, name).toBeGreaterThanOrEqual(SECONDS * 0.9);
        }
      } finally {
        await server.kill();
      }
    },
    900_000,
  );
});
