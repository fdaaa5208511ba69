import { PRESETS, type Preset } from "@kayaktrack/firmware/config";
import { simulateDay, type DayResult } from "../simulate/simulate-day.ts";
import { writeBenchmarkSection } from "./benchmarks-doc.ts";
import { median } from "./median.ts";

export interface EnergyBenchOptions {
  /** hours simulated (default 24: the coastal day, then the night ashore) */
  hours?: string;
  seed?: string;
  json?: boolean;
  write?: boolean;
}

/** The targets (docs/energy.md): days on 3,000 mAh, and the live preset's delay to the map. */
const TARGET_DAYS: Partial<Record<Preset, number>> = { live: 3, expedition: 14 };
const LIVE_WORST_DELAY_S = 120;
const BATTERY_MAH = 3000;


/** One preset's row: what a paddler reads off. */
export interface PresetFigures {
  /** the preset, or the preset with the modem the other way (the comparison that chose it) */
  name: string;
  preset: Preset;
  modemSleep: boolean;
  averageMa: number;
  days: number;
  fixesPerKm: number;
  delayMedianS: number;
  delayWorstS: number;
  airBytesPerDay: number;
  uploads: number;
  /** of the charge: the GPS's, the board's (and card's), the modem's share */
  gps: number;
  board: number;
  modem: number;
  kept: number;
  stored: number;
}

function figures(name: string, preset: Preset, modemSleep: boolean, r: DayResult): PresetFigures {
  const share = (prefix: RegExp) => r.energy.parts.filter((p) => prefix.test(p.part)).reduce((s, p) => s + p.mah, 0) / r.energy.totalMah;
  return {
    name,
    preset,
    modemSleep,
    averageMa: r.energy.averageMa,
    days: r.energy.batteryLifeH / 24,
    fixesPerKm: r.kept / r.km,
    delayMedianS: median(r.delaysS),
    delayWorstS: Math.max(...r.delaysS),
    airBytesPerDay: (r.airBytes * 86_400) / r.durationS,
    uploads: r.uploads,
    gps: share(/^GPS/),
    board: share(/^(board|SD)/),
    modem: share(/^SIM900/),
    kept: r.kept,
    stored: r.stored,
  };
}

/**
 * `pnpm bench:energy`: each preset over a simulated day (simulate-day.ts: the real firmware, the
 * simulated NEO-6M's power states, the SIM900 emulator, a real ingest server, one simulated clock),
 * as a table in docs/BENCHMARKS.md.
 */
export async function benchEnergy(o: EnergyBenchOptions): Promise<PresetFigures[]> {
  const hours = Number(o.hours ?? 24);
  if (!(hours > 0 && hours <= 24 * 14)) throw new Error(`--hours ${o.hours}: a number of hours above 0, at most two weeks`);
  const seed = Number(o.seed ?? 1);
  const rows: PresetFigures[] = [];
  const presets = Object.keys(PRESETS) as Preset[];
  // Each preset, then each with the modem the other way between uploads: the model chooses per preset.
  const runs = [...presets.map((p) => ({ preset: p, other: false })), ...presets.filter((p) => p !== "day").map((p) => ({ preset: p, other: true }))];
  for (const { preset, other } of runs) {
    const sleeps = !!PRESETS[preset].modemSleep !== other;
    const name = other ? `${preset}, modem ${sleeps ? "asleep" : "powered down"} between uploads` : preset;
    process.stderr.write(`${name}: ${hours} h …\n`);
    const r = await simulateDay({ tracker: { preset, modemSleep: sleeps }, durationS: hours * 3600, seed, batteryMah: BATTERY_MAH });
    rows.push(figures(name, preset, sleeps, r));
  }
  const md = markdown(rows, hours, seed);
  if (o.write !== false) writeBenchmarkSection("energy", md);
  process.stdout.write(md + "\n");
  if (o.json) process.stdout.write(JSON.stringify({ hours, seed, presets: rows }) + "\n");
  return rows;
}

function markdown(rows: PresetFigures[], hours: number, seed: number): string {
  const n = (x: number, digits = 0) => x.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const chosen = rows.filter((r) => r.name === r.preset);
  const choices = chosen.flatMap((r) => {
    const other = rows.find((o) => o.preset === r.preset && o !== r);
    if (!other) return [];
    const cheaper = r.averageMa <= other.averageMa;
    const how = (x: PresetFigures) => (x.modemSleep ? "asleep (AT+CSCLK)" : "powered down");
    return [`- ${r.preset}: the modem ${how(r)} between uploads, ${n(r.averageMa, 1)} mA, against ${n(other.averageMa, 1)} mA ${how(other)}: the preset's choice is ${cheaper ? "the cheaper" : "NOT the cheaper"}`];
  });
  const targets = chosen.flatMap((r) => {
    const lines: string[] = [];
    const days = TARGET_DAYS[r.preset];
    if (days !== undefined) lines.push(`- ${r.preset}: target at least ${days} days on ${n(BATTERY_MAH)} mAh: ${r.days >= days ? "met" : "NOT met"} (${n(r.days, 1)})`);
    if (r.preset === "live") {
      lines.push(`- live: target a delay from a fix to the map of at most ${LIVE_WORST_DELAY_S} s: ${r.delayWorstS <= LIVE_WORST_DELAY_S ? "met" : "NOT met"} (worst ${n(r.delayWorstS)} s, median ${n(r.delayMedianS)} s)`);
    }
    return lines;
  });
  return [
    "## Energy (`pnpm bench:energy`)",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)}: each preset over ${hours} simulated hours (seed ${seed}) of the real firmware in one process on one simulated clock`,
    "(tools/src/simulate/simulate-day.ts): the coastal day (Lagos to Sagres, about 28 km with breaks ashore) and then the night ashore, the simulated NEO-6M obeying",
    "the firmware's power commands (power save, backup and its hot starts), the SIM900 emulator and a real ingest server. The charge is the energy",
    "model's (docs/energy.md: datasheet currents times the time in each state); the delay is from a fix's time to its arrival at the server, whose",
    "live map shows it at once. Fixes per km count the fixes kept over the km paddled. The last rows run a preset with the modem the other way",
    "between uploads (asleep and registered, or powered down), the comparison each preset's choice comes from.",
    "",
    "| preset | average mA | days on 3,000 mAh | fixes kept per km | delay to the map, median | worst | on-air bytes per day | uploads | charge: GPS / board and card / modem |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${n(r.averageMa, 1)} | ${n(r.days, 1)} | ${n(r.fixesPerKm, 1)} | ${n(r.delayMedianS)} s | ${n(r.delayWorstS)} s | ${n(r.airBytesPerDay)} | ${n(r.uploads)} | ${pct(r.gps)} / ${pct(r.board)} / ${pct(r.modem)} |`,
    ),
    "",
    ...targets,
    ...choices,
  ].join("\n");
}
