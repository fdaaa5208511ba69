import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SamplerOptions } from "@kayaktrack/firmware/sampler";
import { simulationOptions, type SimulateOptions } from "../commands/simulate.ts";
import { addDevice, removeTempDb, startServerProcess, tempDb, type ServerProcess } from "../server-process.ts";
import { simulate, type SimulationResult } from "../simulate/simulation.ts";
import { readJournal } from "../simulate/simulation.ts";
import { compareWithRecord, keptFromGpsRecord, type BootKept } from "../testing/kept-from-gps-record.ts";
import { storedFixes, type StoredPosition } from "../testing/stored-fixes.ts";
import type { Profile, ReliabilityRow } from "./reliability-row.ts";

const M_PER_DEG = 111_320;
const metres = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) =>
  Math.hypot((b.lon - a.lon) * Math.cos((a.lat * Math.PI) / 180), b.lat - a.lat) * M_PER_DEG;
const n = (x: number) => x.toLocaleString("en-US");
const command = (name: string, profile: Profile) => `pnpm test:reliability --only ${name}${profile === "full" ? " --full" : ""}`;

interface Run {
  result: SimulationResult;
  stored: StoredPosition[];
  journaled: ReturnType<typeof readJournal>["fixes"];
  torn: number;
  duplicates: number;
  /** with `record`: what each boot should have kept, from what it read from the GPS */
  boots?: BootKept[];
}

/** A simulated trip through GPS pty → firmware → SIM900 emulator → a real server, with the given faults. */
async function runTrip(args: SimulateOptions, record = false): Promise<Run> {
  const db = tempDb("kt-rel-");
  const recordGps = record ? mkdtempSync(join(tmpdir(), "kt-rel-gps-")) : undefined;
  // The simulated SD card, in a temporary directory of its own unless the caller named one.
  const cardDir = args.card ? undefined : mkdtempSync(join(tmpdir(), "kt-rel-card-"));
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(db);
    const device = await addDevice(db, "reliability");
    const options = await simulationOptions({ ...args, server: server.url, device: String(device.id), token: device.token });
    const result = await simulate({ ...options, ...(cardDir ? { card: join(cardDir, "card") } : {}), ...(recordGps ? { recordGps } : {}) });
    const boots = recordGps ? keptFromGpsRecord(recordGps, options.tracker.sampler as Partial<SamplerOptions> | undefined) : undefined;
    const stored = await storedFixes(server.url, device.id);
    // The server's own count of fixes that came a second time in another batch: the firmware must never cause one.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const duplicates = Number(/^kayaktrack_fixes_duplicate_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? "0");
    const journal = readJournal(result.card);
    return { result, stored, journaled: journal.fixes, torn: journal.torn, duplicates, ...(boots ? { boots } : {}) };
  } finally {
    await server?.kill();
    removeTempDb(db);
    for (const dir of [recordGps, cardDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Every journaled fix stored once, nothing stored that was not journaled. */
function delivery(run: Run) {
  const storedTimes = new Map<number, number>();
  for (const f of run.stored) storedTimes.set(f.time, (storedTimes.get(f.time) ?? 0) + 1);
  const journaled = new Set(run.journaled.map((f) => Math.round(f.time * 10) / 10));
  const missing = [...journaled].filter((t) => !storedTimes.has(t)).length;
  const phantom = [...storedTimes.keys()].filter((t) => !journaled.has(t)).length;
  return { missing, phantom, journaled: journaled.size };
}

/** Issue 8: at least 200 random kills of the firmware runner, during journal writes and uploads. */
export async function powerCuts(profile: Profile): Promise<ReliabilityRow[]> {
  const cuts = profile === "full" ? 200 : 20;
  // A cut and restart take about 3 s of real time, more on a busy machine (measured: 175 of 200
  // fitted into 3 h at 20×, 540 s; 14 of 20 into 1 h at 60×, 60 s, beside other work). Cuts the
  // trip's end overtakes are never made, so each gets about 6 s or more: the full profile's 200
  // get 4 h at 12× (1,200 s), the short one's 20 get 1 h at 20× (180 s).
  const run = await runTrip({ synthetic: "coastal-day", duration: profile === "full" ? "4h" : "1h", speedup: profile === "full" ? "12" : "20", seed: "11", powerCuts: String(cuts) }, true);
  const d = delivery(run);
  const torn = run.torn;
  // Against what each boot should have kept, from the record of what it read from the GPS (not its journal).
  const record = compareWithRecord(run.boots!, run.stored.map((f) => f.time));
  return [
    {
      check: "power cuts: every journaled fix stored",
      result: `${run.result.powerCuts} of ${cuts} kills (SIGKILL) made, ${run.result.powerCutsInSession} of them during an upload session, ${n(d.journaled)} fixes journaled, ${d.missing} missing`,
      target: "0 missing",
      pass: d.missing === 0 && run.result.powerCuts === cuts,
      command: command("power-cuts", profile),
    },
    {
      check: "power cuts: nothing stored twice or from nowhere",
      result: `${run.duplicates} fixes sent twice in different batches, ${d.phantom} stored that were never journaled, ${record.unexplained.length} that no boot should have kept (of ${n(record.kept)} it should)`,
      target: "0, 0 and 0",
      pass: run.duplicates === 0 && d.phantom === 0 && record.unexplained.length === 0,
      command: command("power-cuts", profile),
    },
    {
      check: "power cuts: loss within the bound (what the firmware was handling when cut)",
      result: `of the fixes each boot should have kept from what it read from the GPS, ${record.lostWithin.length} lost from the serial chunk a cut interrupted and ${record.lostBeyond.length} otherwise; ${torn} torn journal lines after ${run.result.powerCuts} cuts`,
      target: `0 otherwise, ≤ ${cuts} torn`,
      pass: record.lostBeyond.length === 0 && torn <= cuts,
      command: command("power-cuts", profile),
    },
  ];
}

/** Issue 8: with 30% modem errors and timeouts, every fix is still delivered. */
export async function networkFaults(profile: Profile): Promise<ReliabilityRow[]> {
  const run = await runTrip({ synthetic: "lake-loop", duration: profile === "full" ? "2h" : "40m", speedup: "60", seed: "12", modemErrors: "0.3" });
  const d = delivery(run);
  return [
    {
      check: "network faults: every fix delivered",
      result: `30% of AT commands failing; ${n(d.journaled)} journaled, ${d.missing} missing, ${run.result.modem.requests} HTTP requests`,
      target: "0 missing",
      pass: d.missing === 0 && d.journaled > 0,
      command: command("network-faults", profile),
    },
  ];
}

/** Issue 8: with 1% corrupted serial bytes, no wrong fix is stored; every stored fix lies within 1 m of a generated one. */
export async function serialNoise(profile: Profile): Promise<ReliabilityRow[]> {
  const run = await runTrip({ synthetic: "lake-loop", duration: profile === "full" ? "2h" : "40m", speedup: "60", seed: "13", noise: "0.01" });
  const generated = new Map(run.result.generated.map((f) => [Math.round(f.time * 10) / 10, f]));
  let wrong = 0;
  let worst = 0;
  for (const f of run.stored) {
    const g = generated.get(f.time);
    const m = g ? metres(g, f) : Infinity;
    worst = Math.max(worst, m);
    if (m > 1) wrong++;
  }
  return [
    {
      check: "serial noise: no wrong fix stored",
      result: `1% of GPS bytes corrupted (${n(run.result.corruptedBytes)} bytes); ${n(run.stored.length)} stored, ${wrong} more than 1 m from the generated fix (worst ${worst === Infinity ? "∞" : worst.toFixed(2)} m)`,
      target: "0 beyond 1 m",
      pass: wrong === 0 && run.stored.length > 0,
      command: command("serial-noise", profile),
    },
  ];
}
