import { PRESETS, type Preset } from "@kayaktrack/firmware/config";
import { formatEnergy } from "../simulate/energy.ts";
import { parseDuration } from "@kayaktrack/ingest";
import { loadRoute } from "../simulate/world/load-route.ts";
import { withStopOnWater } from "../simulate/world/stop-on-water.ts";
import { sim900ModemSide } from "../simulate/modem/modem-side.ts";
import { simulate, type Progress, type SimulationOptions, type SimulationResult } from "../simulate/simulation.ts";

export interface SimulateOptions {
  route?: string;
  synthetic?: string;
  rate?: string;
  speedup?: string;
  duration?: string;
  seed?: string;
  server?: string;
  device?: string;
  token?: string;
  uplink?: string;
  gps?: string;
  espruino?: string;
  card?: string;
  noise?: string;
  dropouts?: string;
  powerCuts?: string;
  coverageGap?: string;
  serverOutage?: string;
  modemErrors?: string;
  gpsWeekRollover?: boolean;
  sosAt?: string;
  stop?: string;
  sosCancelAt?: string;
  uploadEvery?: string;
  preset?: string;
  nmeaOnly?: string | boolean;
  json?: boolean;
}

function presetName(name: string): Preset {
  if (!Object.hasOwn(PRESETS, name)) throw new Error(`--preset ${name}: one of ${Object.keys(PRESETS).join(", ")}`);
  return name as Preset;
}

const number = (name: string, text: string | undefined, fallback: number, min: number, max: number) => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!(n >= min && n <= max)) throw new Error(`--${name} ${text}: a number from ${min} to ${max}`);
  return n;
};
/** A duration option in seconds (ingest's parseDuration, the API's rule); an Error names the option. */
export function seconds(name: string, text: string): number {
  const s = parseDuration(text);
  if (s === undefined) throw new Error(`--${name}: duration '${text}': write it like 2h, 90m, 45s or 1h30m`);
  return s;
}

/** `--coverage-gap 30m@1h` (or `--server-outage`): 30 minutes from one hour into the trip. */
export function parseGap(text: string, option = "coverage-gap"): { at: number; length: number } {
  const [length, at] = text.split("@");
  if (!length || !at) throw new Error(`--${option} ${text}: LENGTH@START, e.g. 30m@1h`);
  return { length: seconds(option, length), at: seconds(option, at) };
}

/** The options as a simulation; errors name the option. */
export async function simulationOptions(o: SimulateOptions): Promise<SimulationOptions> {
  const seed = number("seed", o.seed, 1, 0, 2 ** 32);
  const duration = o.duration === undefined ? undefined : seconds("duration", o.duration);
  const uplink = o.uplink ?? "modem";
  if (uplink !== "modem" && uplink !== "http") throw new Error(`--uplink ${uplink}: modem or http`);
  if (o.espruino && uplink === "http") throw new Error("--espruino runs the firmware with its modem: leave out --uplink http");
  for (const [k, v] of [["coverage-gap", o.coverageGap], ["server-outage", o.serverOutage]] as const) {
    if (v && uplink === "http") throw new Error(`--${k} is a fault the modem meets: leave out --uplink http`);
  }
  for (const [k, v] of [["server", o.server], ["device", o.device], ["token", o.token]] as const) {
    if (!v && !o.nmeaOnly) throw new Error(`--${k} is missing: the simulator sends to a real ingest service (kayaktrack serve; kayaktrack device add NAME --json)`);
  }
  // A real GPS sends in real time: the firmware's clock must not run ahead of it.
  if (o.gps && o.speedup !== undefined && Number(o.speedup) !== 1) throw new Error(`--speedup ${o.speedup}: a real GPS (--gps) keeps real time; leave --speedup out`);
  if (o.gps && o.powerCuts && duration === undefined) throw new Error("--power-cuts with --gps needs --duration: the cuts are spread over it");
  const speedup = o.gps ? 1 : number("speedup", o.speedup, 60, 1, 2000);
  const choice = { ...(o.route !== undefined ? { gpx: o.route } : { synthetic: o.synthetic ?? "lake-loop" }), seed, ...(duration !== undefined ? { duration } : {}) };
  // Sped up, the trip's clock runs ahead of the real one: it starts in the past so that it ends
  // about now, and no fix is from the future (a share link shows nothing after now).
  const now = Math.floor(Date.now() / 1000);
  // --stop 15m@20m: the boat stops on the water 20 minutes in, for 15 (the trip is that much longer).
  const stop = o.stop === undefined ? undefined : parseGap(o.stop, "stop");
  const first = await loadRoute({ ...choice, start: now });
  const length = Math.min(duration ?? Infinity, first.end - first.start + (stop?.length ?? 0));
  const start = now - Math.round(length - length / speedup);
  const loaded = start === now ? first : await loadRoute({ ...choice, start });
  const route = stop ? withStopOnWater(loaded, stop.at, stop.length) : loaded;
  const modemErrors = number("modem-errors", o.modemErrors, 0, 0, 1);
  return {
    route,
    seed,
    rate: number("rate", o.rate, 1, 0.1, 5),
    speedup,
    ...(duration !== undefined ? { duration } : {}),
    tracker: {
      device: Number(o.device),
      token: o.token,
      server: o.server,
      ...(o.preset !== undefined
        ? // The preset's settings, as a paddler's tracker.json names it; --upload-every still wins.
          { preset: presetName(o.preset), ...(o.uploadEvery !== undefined && { uploadEveryS: seconds("upload-every", o.uploadEvery) }) }
        : // Frequent small uploads, so the map follows the trip closely.
          { uploadEveryS: o.uploadEvery === undefined ? 120 : seconds("upload-every", o.uploadEvery), uploadAfterFixes: 30, firstUploadAfterS: 10 }),
    },
    ...(o.gps ? { gps: o.gps } : {}),
    ...(o.espruino ? { espruino: o.espruino } : {}),
    ...(o.card ? { card: o.card } : {}),
    ...(o.nmeaOnly ? { nmeaOnly: o.nmeaOnly === true ? "pty" : o.nmeaOnly } : {}),
    ...(uplink === "modem" && !o.nmeaOnly ? { modem: modemFactory(modemErrors) } : {}),
    ...sosOption(o),
    faults: {
      noise: number("noise", o.noise, 0, 0, 0.5),
      dropouts: number("dropouts", o.dropouts, 0, 0, 100),
      powerCuts: number("power-cuts", o.powerCuts, 0, 0, 10_000),
      ...(o.coverageGap ? { coverageGap: parseGap(o.coverageGap) } : {}),
      ...(o.serverOutage ? { serverOutage: parseGap(o.serverOutage, "server-outage") } : {}),
      ...(o.gpsWeekRollover ? { gpsWeekRollover: true } : {}),
    },
  };
}

/** `--sos-at 45m [--sos-cancel-at 50m]`: the paddler holds the SOS button then, and again to cancel it. */
function sosOption(o: SimulateOptions): Pick<SimulationOptions, "sos"> {
  if (o.sosAt === undefined) {
    if (o.sosCancelAt !== undefined) throw new Error("--sos-cancel-at needs --sos-at: there is no SOS to cancel");
    return {};
  }
  if (o.nmeaOnly) throw new Error("--sos-at presses the tracker's button: leave out --nmea-only");
  const at = seconds("sos-at", o.sosAt);
  const cancelAt = o.sosCancelAt === undefined ? undefined : seconds("sos-cancel-at", o.sosCancelAt);
  if (cancelAt !== undefined && cancelAt < at + 10) throw new Error(`--sos-cancel-at ${o.sosCancelAt}: at least 10 s after --sos-at`);
  return { sos: { at, ...(cancelAt !== undefined && { cancelAt }) } };
}

/** The SIM900 emulator on a pseudo-terminal; it relays the firmware's HTTP requests to the URL they name (the server). */
function modemFactory(errorRate: number): SimulationOptions["modem"] {
  return (o) => sim900ModemSide({ ...o, errorRate });
}

const clock = (s: number) => `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

/** One line: where the trip is and where its fixes are. */
export function progressLine(p: Progress): string {
  return (
    `trip ${clock(Math.max(0, p.tripS))}/${clock(p.durationS)}  fixes: ${p.generated} generated, ${p.journaled} journaled, ${p.uploaded} uploaded, ${p.acknowledged} acknowledged` +
    `  modem: ${p.modem}  upload: ${p.upload}  on air: ${(p.bytesOnAir / 1024).toFixed(1)} KB` +
    (p.powerCuts ? `  power cuts: ${p.powerCuts}` : "") +
    (p.jsvars !== undefined ? `  JsVars: ${p.jsvars}` : "")
  );
}

export function summaryText(r: SimulationResult): string {
  const trip = `Simulated ${r.route}: ${clock(r.durationS)} of paddling, ${r.generated.length} fixes from the GPS`;
  // Only the GPS (--nmea-only): no firmware, modem, card or energy to speak of.
  if (r.boots === 0) return `${trip}, ${r.gpsBytes} bytes (${r.corruptedBytes} corrupted).`;
  return [
    r.generated.length || !r.route.startsWith("the GPS on ")
      ? `${trip}.`
      : `Read ${r.route} for ${clock(r.durationS)}.`,
    `  journaled on the card: ${r.journaled}; acknowledged by the server: ${r.uploaded}`,
    ...(r.lastStatus?.pending
      ? [`  not all delivered: the card still held unacknowledged fixes when the simulation stopped (last error: ${r.lastStatus.lastError ?? "none"}); they are on the card below`]
      : []),
    `  GPS serial: ${r.gpsBytes} bytes, ${r.corruptedBytes} corrupted; firmware boots: ${r.boots} (power cuts: ${r.powerCuts}${r.powerCutsInSession ? `, ${r.powerCutsInSession} during an upload session` : ""})`,
    `  modem: ${r.modem.requests} uploads${r.modem.refused ? ` (${r.modem.refused} refused by the server outage)` : ""}, on ${Math.round(r.modem.onS)} s, transmitting ${Math.round(r.modem.transmitS)} s, ${(r.bytesOnAir / 1024).toFixed(1)} KB on air` +
      (r.modem.faults ? `; ${r.modem.faults} AT commands failed` : "") +
      (r.modem.noSignal ? `${r.modem.faults ? "," : ";"} ${r.modem.noSignal} signal checks found no network` : ""),
    `  the SD card: ${r.card}`,
    "Energy (estimate, docs/energy.md):",
    formatEnergy(r.energy).replace(/^/gm, "  "),
  ].join("\n");
}

/** Shows a simulation on the terminal: a progress line (redrawn on a TTY, every 5 s otherwise), the GPS's port, the firmware's log. */
export function showOnTerminal(options: SimulationOptions, o: { json?: boolean; nmeaOnly?: boolean } = {}): { end(): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  options.onProgress = (p) => {
    if (tty) process.stderr.write(`\r${progressLine(p)}\x1b[K`);
    else if (Date.now() - last > 5000) {
      last = Date.now();
      process.stderr.write(progressLine(p) + "\n");
    }
  };
  options.onGpsPort = (path) => process.stderr.write(`The simulated GPS's NMEA (9600 baud) can be read at ${path}${o.nmeaOnly ? " (e.g. cat " + path + ", or gpsd -N " + path + ")" : ""}\n`);
  options.onLog = (line) => {
    if (!o.json) process.stderr.write(`${tty ? "\r\x1b[K" : ""}firmware: ${line}\n`);
  };
  return { end: () => tty && process.stderr.write("\n") };
}

/** Ctrl-C (or SIGTERM) aborts the signal once; a second one exits at once. */
export function abortOnInterrupt(): AbortSignal {
  const controller = new AbortController();
  const interrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write("\nstopping… (Ctrl-C again to quit at once)\n");
    controller.abort();
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  return controller.signal;
}

/** `kayaktrack simulate`: a trip through GPS pty → firmware → SIM900 emulator → the ingest service. */
export async function simulateCommand(o: SimulateOptions): Promise<void> {
  const options = await simulationOptions(o);
  const terminal = showOnTerminal(options, { ...(o.json && { json: true }), nmeaOnly: !!o.nmeaOnly });
  options.signal = abortOnInterrupt();
  const result = await simulate(options);
  terminal.end();
  if (o.json) {
    const { generated, ...rest } = result;
    process.stdout.write(JSON.stringify({ ...rest, generated: generated.length }) + "\n");
  } else process.stdout.write(summaryText(result) + "\n");
}
