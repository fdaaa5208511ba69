import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Files } from "@kayaktrack/firmware/files";
import { journalLineFix } from "@kayaktrack/firmware/journal";
import { openPtyPair, type PtyPair } from "./serial/pty-pair.ts";
import { GpsFeed, type SentEpoch } from "./gps/gps-feed.ts";
import { gpsEpochs, randomDropouts, type ReportedFix } from "./gps/gps-receiver.ts";
import { Prng } from "./prng.ts";
import type { Route } from "./world/route.ts";
import { estimateEnergy, type EnergyEstimate } from "./energy.ts";
import { Neo6mConfig } from "./gps/neo6m-config.ts";
import { SerialPortSink } from "./serial/serial-port-sink.ts";
import { FirmwareRunner, type RunnerStatus } from "./runner/firmware-runner.ts";

/** What the modem did over a run: its energy, and the faults it met. */
export interface ModemUsage {
  /** seconds powered, and of those transmitting, and asleep (AT+CSCLK) */
  onS: number;
  transmitS: number;
  sleepS?: number;
  /** uploads carried to the network, and of those refused by a server outage */
  requests: number;
  refused: number;
  /** AT commands that got a fault (--modem-errors) */
  faults: number;
  /** signal checks answered "no network" (--coverage-gap) */
  noSignal: number;
}

export const NO_MODEM: ModemUsage = { onS: 0, transmitS: 0, requests: 0, refused: 0, faults: 0, noSignal: 0 };

/** The modem's side of a simulation: the SIM900 emulator on a pseudo-terminal (modem-side.ts). */
export interface ModemSide {
  /** the firmware's end of the modem's serial line */
  port: string;
  state(): string;
  /** bytes over the air so far (HTTP requests and replies with their overhead) */
  bytesOnAir(): number;
  /** fixes the server holds from the batches relayed (stored or already there, by its acknowledgements, each batch once), acknowledged to the card or not yet */
  uploaded(): number;
  /** its energy and the faults it met so far */
  usage(): ModemUsage;
  setCoverage(on: boolean): void;
  /** false: a server outage, every connection to the server refused (the modem answers 601) */
  setServerReachable(on: boolean): void;
  /** the modem's PWRKEY, which the firmware presses (it prints the presses) */
  powerKey(pressed: boolean): void;
  close(): Promise<void>;
}

export interface Faults {
  /** share of the GPS's serial bytes that arrive corrupted */
  noise?: number;
  /** GPS dropouts (no fix) of 30 s to 5 min */
  dropouts?: number;
  /** the firmware is killed (SIGKILL) this many times at random instants, and restarted */
  powerCuts?: number;
  /** a stretch without coverage: from `at` seconds into the trip, for `length` seconds */
  coverageGap?: { at: number; length: number };
  /** a stretch when the server cannot be reached (connections refused), in trip time like coverageGap */
  serverOutage?: { at: number; length: number };
  /** the GPS has the week-rollover bug: its dates are 1,024 weeks (19.6 years) early */
  gpsWeekRollover?: boolean;
}

export interface SimulationOptions {
  route: Route;
  seed: number;
  /** GPS epochs a second */
  rate: number;
  /** simulated seconds per real second */
  speedup: number;
  /** seconds of the trip to send (the route's length by default) */
  duration?: number;
  /** tracker.json: device, token, server, intervals… */
  tracker: Record<string, unknown>;
  /** a real GPS on this serial device instead of the simulated feed */
  gps?: string;
  /** the modem side, or undefined for --uplink http */
  modem?: (o: { seed: number; speedup: number }) => Promise<ModemSide>;
  espruino?: string;
  /** the firmware on Node: record what it reads from the GPS here, a file a boot (FirmwareRunnerOptions.recordGps) */
  recordGps?: string;
  faults?: Faults;
  /** the paddler holds the SOS button at this second of the trip, and again at cancelAt to end it */
  sos?: { at: number; cancelAt?: number };
  /** the SD card's directory (a new temporary one by default) */
  card?: string;
  /**
   * Only the GPS: its NMEA to this serial device, or with "pty" to a new
   * pseudo-terminal whose path onGpsPort tells (for gpsd, cat, or a real board
   * on a USB adapter); no firmware, no modem.
   */
  nmeaOnly?: string;
  /** the serial device where the simulated GPS can be read */
  onGpsPort?: (path: string) => void;
  onProgress?: (p: Progress) => void;
  onLog?: (line: string) => void;
  /** ends the trip early (Ctrl-C): the firmware is stopped, everything closed, the result so far returned */
  signal?: AbortSignal;
}

export interface Progress {
  /** seconds of the trip sent so far */
  tripS: number;
  durationS: number;
  generated: number;
  /** kept by the sampler and appended to the card's journal */
  journaled: number;
  /** stored by the server (through the modem; with --uplink http, only once acknowledged) */
  uploaded: number;
  /** acknowledged to the firmware, which may then forget them */
  acknowledged: number;
  modem: string;
  upload: string;
  bytesOnAir: number;
  powerCuts: number;
  /** JsVars in use (the firmware on an Espruino interpreter) */
  jsvars?: number;
}

export interface GeneratedFix extends ReportedFix {
  time: number;
}

/** Espruino's JsVars in use, from the status lines (once a real second): the first, the most, and each. */
export interface JsVarsSeen {
  first?: number;
  max?: number;
  /** fixes kept since boot, and JsVars in use then */
  samples: Array<{ kept: number; used: number }>;
}

export interface SimulationResult {
  route: string;
  durationS: number;
  /** fixes the simulated receiver sent */
  generated: GeneratedFix[];
  /** fixes on the card's journal */
  journaled: number;
  /** fixes acknowledged by the server, over all boots */
  uploaded: number;
  bytesOnAir: number;
  /** bytes the simulated GPS sent, and of those while the board was off (from a power cut to the restart: lost) */
  gpsBytes: number;
  gpsBytesWhileOff: number;
  corruptedBytes: number;
  powerCuts: number;
  /** of those, cuts while the modem was powered: during an upload session */
  powerCutsInSession: number;
  boots: number;
  modem: ModemUsage;
  card: string;
  lastStatus: RunnerStatus | undefined;
  /** JsVars in use (Espruino only) */
  jsvars: JsVarsSeen;
  energy: EnergyEstimate;
}

/** The parser's speed on Espruino (docs/BENCHMARKS.md, bench:parse): what the board's CPU time is estimated from. */
const ESPRUINO_SENTENCES_PER_S = 1500;

/** The tracker's energy over the trip, from what the simulation counted (docs/energy.md). */
export function tripEnergy(r: {
  durationS: number;
  /** of durationS, the GPS in power save mode (the firmware's gpsPowerSave); default 0 */
  gpsPowerSaveS?: number;
  /** of durationS, the GPS in backup (the firmware's gpsFixEveryS), and its hot and warm starts after; default 0 */
  gpsBackupS?: number;
  gpsWakeStartS?: number;
  /** of durationS, the board allowed to deep sleep; default 0 */
  boardDeepSleepS?: number;
  sentences: number;
  journaled: number;
  batches: number;
  /** onS includes sleepS, the modem registered in sleep mode */
  modem: { onS: number; transmitS: number; requests: number; sleepS?: number };
  batteryMah?: number;
}): EnergyEstimate {
  const gpsPowerSaveS = Math.min(r.gpsPowerSaveS ?? 0, r.durationS);
  const gpsBackupS = Math.min(r.gpsBackupS ?? 0, r.durationS - gpsPowerSaveS);
  const gpsContinuousS = r.durationS - gpsPowerSaveS - gpsBackupS;
  const boardRunS = Math.min(r.durationS, r.sentences / ESPRUINO_SENTENCES_PER_S);
  // The emulator counts the modem's sleep inside its powered time: awake is the rest.
  const modemSleepS = r.modem.sleepS ?? 0;
  const modemOnS = Math.min(r.modem.onS - modemSleepS, r.durationS);
  return estimateEnergy({
    durationS: r.durationS,
    gpsContinuousS,
    // NEO-6 data sheet, Table 2: a cold start takes 27 s; the starts after backup, as the receiver timed them.
    gpsAcquisitionS: Math.min(27 + (r.gpsWakeStartS ?? 0), gpsContinuousS),
    gpsPowerSaveS,
    gpsBackupS,
    modemOnS,
    modemTransmitS: Math.min(r.modem.transmitS, modemOnS),
    modemSleepS: Math.min(modemSleepS, r.durationS - modemOnS),
    transmitBursts: r.modem.requests,
    boardRunS,
    boardSleepS: Math.min(r.boardDeepSleepS ?? 0, r.durationS - boardRunS),
    // A journal line per fix; a cursor record before and after each batch.
    sdWrites: r.journaled + 2 * r.batches,
    ...(r.batteryMah !== undefined && { batteryMah: r.batteryMah }),
  });
}

/**
 * A trip through the same path the board would use: a simulated NEO-6M on a
 * pseudo-terminal (or a real GPS), the firmware in a child process reading
 * it, its batches going through the SIM900 emulator (or straight over HTTP)
 * to a real ingest server. Faults on demand: serial noise, GPS dropouts,
 * power cuts of the firmware, a coverage gap.
 */
export async function simulate(o: SimulationOptions): Promise<SimulationResult> {
  const faults = o.faults ?? {};
  const random = new Prng(o.seed, "power-cuts");
  // A real GPS (o.gps) keeps real time and, without a duration, runs until the caller aborts.
  const realGps = !!o.gps;
  let durationS = o.duration ?? (realGps ? Infinity : o.route.end - o.route.start);
  const cleanup: Array<() => unknown> = [];
  const generated: GeneratedFix[] = [];
  const jsvars: JsVarsSeen = { samples: [] };
  let powerCuts = 0;
  let powerCutsInSession = 0;
  let tripS = 0;
  let sentences = 0;
  /** the simulated receiver's configuration (none with a real GPS) */
  let receiverConfig: Neo6mConfig | undefined;
  // Ctrl-C reaches the firmware's process group and socat as well as this process: either may
  // fail before the abort is heard here. A failure the abort follows within a second is the user's stop.
  const userStopped = async () => {
    await sleep(1000);
    return !!o.signal?.aborted;
  };
  // socat may close the GPS's pseudo-terminal under a write (EIO).
  const runFeed = (feed: GpsFeed) =>
    feed.run().catch(async (e: unknown) => {
      if (await userStopped()) return feed.stats;
      throw e;
    });
  try {
    let gpsPort = o.gps;
    let feed: GpsFeed | undefined;
    if (!gpsPort) {
      let writeTo = o.nmeaOnly && o.nmeaOnly !== "pty" ? o.nmeaOnly : undefined;
      if (!writeTo) {
        const pty: PtyPair = await openPtyPair({ links: true });
        cleanup.push(() => pty.close());
        gpsPort = pty.paths[0];
        writeTo = pty.paths[1];
      }
      if (gpsPort) o.onGpsPort?.(gpsPort);
      const dropouts = faults.dropouts ? randomDropouts({ seed: o.seed, count: faults.dropouts, length: [30, 300], duration: durationS, after: 120 }) : [];
      const epochs = gpsEpochs(o.route, { seed: o.seed, rate: o.rate, duration: durationS, dropouts });
      const sink = await SerialPortSink.open(writeTo, { baudRate: 9600 });
      // Like a NEO-6M, the simulated receiver obeys the UBX configuration the firmware sends at boot.
      const config = (receiverConfig = new Neo6mConfig(() => tripS, o.seed));
      sink.onData((b) => config.feed(b));
      feed = new GpsFeed({
        io: sink,
        sends: (sentence) => config.sends(sentence),
        // The trip's clock moves at each epoch's time, before the receiver gives it.
        receiver: (epoch) => {
          tripS = epoch.time - o.route.start;
          return config.epoch(epoch);
        },
        epochs,
        speedup: o.speedup,
        ...(faults.noise ? { corruption: { rate: faults.noise, seed: o.seed } } : {}),
        ...(faults.gpsWeekRollover ? { weekRollover: true } : {}),
        onEpoch: (sent: SentEpoch) => {
          sentences += sent.sentences.length;
          if (sent.epoch.fix) generated.push({ ...sent.epoch.fix, time: sent.epoch.time });
        },
      });
      cleanup.push(() => feed!.close());
      const stopFeed = () => feed!.stop();
      o.signal?.addEventListener("abort", stopFeed, { once: true });
      cleanup.push(() => o.signal?.removeEventListener("abort", stopFeed));
      if (o.nmeaOnly) {
        await runFeed(feed);
        const modem = NO_MODEM;
        const energy = tripEnergy({ durationS, gpsPowerSaveS: config.powerSaveS(), sentences, journaled: 0, batches: 0, modem });
        return { route: o.route.name, durationS, generated, journaled: 0, uploaded: 0, bytesOnAir: 0, gpsBytes: feed.stats.bytes, gpsBytesWhileOff: 0, corruptedBytes: feed.stats.corruptedBytes, powerCuts: 0, powerCutsInSession: 0, boots: 0, modem, card: "", lastStatus: undefined, jsvars, energy };
      }
    }
    if (!gpsPort) throw new Error("no serial device for the GPS");
    // Made here, after the GPS-only run (--nmea-only) has returned: that run has no card.
    const card = o.card ?? join(mkdtempSync(join(tmpdir(), "kayaktrack-sim-")), "card");
    const modem = o.modem ? await o.modem({ seed: o.seed, speedup: o.speedup }) : undefined;
    if (modem) cleanup.push(() => modem.close());

    const runner = new FirmwareRunner({
      gps: gpsPort,
      ...(modem ? { modem: modem.port } : {}),
      card,
      config: o.tracker,
      speedup: o.speedup,
      ...(o.espruino ? { espruino: o.espruino } : {}),
      ...(o.recordGps ? { recordGps: o.recordGps } : {}),
      ...(modem ? { onPowerKey: (pressed: boolean) => modem.powerKey(pressed) } : {}),
      onStatus: (s) => {
        if (s.jsvars !== undefined) {
          jsvars.first ??= s.jsvars;
          jsvars.max = Math.max(jsvars.max ?? 0, s.jsvars);
          jsvars.samples.push({ kept: s.kept, used: s.jsvars });
        }
      },
      ...(o.onLog ? { onLog: o.onLog } : {}),
    });
    cleanup.push(() => runner.stop());
    let crash: Error | undefined;
    const crashed = runner.crashed.then(async (e) => {
      // A firmware that stops as Ctrl-C arrives is the user's stop, not a crash (the abort ends the run).
      if (await userStopped()) return new Promise<never>(() => undefined);
      crash = e;
      throw e;
    });
    crashed.catch(() => undefined); // raced below; a crash after the trip is checked in the drain
    await runner.start();

    const runStarted = Date.now();
    const progress = () => {
      if (realGps) tripS = Math.min(durationS, ((Date.now() - runStarted) / 1000) * o.speedup);
      o.onProgress?.({
        tripS,
        durationS: Number.isFinite(durationS) ? durationS : tripS,
        generated: generated.length,
        journaled: runner.kept,
        uploaded: modem ? Math.max(modem.uploaded(), runner.uploaded) : runner.uploaded,
        acknowledged: runner.uploaded,
        modem: modem ? modem.state() : "http",
        upload: runner.status?.upload ?? "starting",
        bytesOnAir: modem ? modem.bytesOnAir() : 0,
        powerCuts,
        ...(runner.status?.jsvars !== undefined && { jsvars: runner.status.jsvars }),
      });
    };
    const ticker = setInterval(progress, 500);
    cleanup.push(() => clearInterval(ticker));

    // Power cuts at random instants of the trip (real time = trip time / speed-up), each followed by a restart.
    const cuts = Array.from({ length: faults.powerCuts ?? 0 }, () => (60 + random.next() * (durationS - 120)) / o.speedup).sort((a, b) => a - b);
    const t0 = Date.now();
    // The trip is over when the feed ends or the caller aborts: no cut after that.
    const tripOver = new AbortController();
    const endTrip = () => tripOver.abort();
    o.signal?.addEventListener("abort", endTrip, { once: true });
    cleanup.push(endTrip); // also when the trip ends by an error: no power cut after it
    cleanup.push(() => o.signal?.removeEventListener("abort", endTrip));
    const cutting = (async () => {
      for (const at of cuts) {
        const wait = t0 + at * 1000 - Date.now();
        if (wait > 0) await sleep(wait, tripOver.signal);
        if (tripOver.signal.aborted) return;
        if (modem && modem.state() !== "off") powerCutsInSession++;
        feed?.setListening(false);
        try {
          await runner.kill();
          powerCuts++;
          await runner.start();
        } finally {
          feed?.setListening(true);
        }
      }
    })();
    // A restart that fails ends the trip at once (raced below), never an unhandled rejection.
    const restartFailed = cutting.then(() => new Promise<never>(() => undefined));
    restartFailed.catch(() => undefined);
    // The coverage gap and the server outage, in trip time.
    const stretch = (s: { at: number; length: number } | undefined, set: (on: boolean) => void) => {
      if (!s) return;
      const timers = [setTimeout(() => set(false), (s.at / o.speedup) * 1000), setTimeout(() => set(true), ((s.at + s.length) / o.speedup) * 1000)];
      cleanup.push(() => timers.forEach(clearTimeout));
    };
    // The SOS button, in trip time.
    for (const at of [o.sos?.at, o.sos?.cancelAt]) {
      if (at === undefined) continue;
      const timer = setTimeout(() => void runner.hold(), (at / o.speedup) * 1000);
      cleanup.push(() => clearTimeout(timer));
    }
    if (modem) {
      stretch(faults.coverageGap, (on) => modem.setCoverage(on));
      stretch(faults.serverOutage, (on) => modem.setServerReachable(on));
    }

    if (feed && !o.signal?.aborted) await Promise.race([runFeed(feed), crashed, restartFailed]);
    else if (!feed) {
      await Promise.race([Number.isFinite(durationS) ? sleep((durationS / o.speedup) * 1000, o.signal) : untilAborted(o.signal), crashed, restartFailed]);
      progress();
      durationS = tripS;
    }
    endTrip();
    await cutting;
    // Ashore: the firmware takes the last sentences still in the pty and uploads what is left.
    // Done when two status lines in a row, both from after the feed ended, show no new
    // sentence, nothing pending and no upload under way (a status line is up to 1 s old).
    const drainDeadline = Date.now() + Math.max(60_000, (3600 / o.speedup) * 1000);
    let seen: RunnerStatus | undefined = runner.status;
    let quiet = 0;
    // A real GPS never falls quiet: its run ends at the duration, and the summary says what the card still holds.
    while (!realGps && quiet < 2 && Date.now() < drainDeadline && !o.signal?.aborted) {
      await sleep(250);
      if (crash) throw crash;
      const s = runner.status;
      if (!s || s === seen) continue;
      const settled = !s.pending && s.upload === "idle" && seen !== undefined && s.seen === seen.seen;
      quiet = settled ? quiet + 1 : 0;
      seen = s;
    }
    progress();
    const lastStatus = runner.status;
    const batches = runner.batches;
    await runner.stop();
    const journaled = journaledFixes(card).length;
    const usage = modem ? modem.usage() : NO_MODEM;
    const ranS = o.signal?.aborted ? Math.max(0, tripS) : durationS; // stopped early: as far as it went
    return {
      route: realGps ? `the GPS on ${o.gps}` : o.route.name,
      durationS: ranS,
      generated,
      journaled,
      uploaded: runner.uploaded,
      bytesOnAir: modem ? modem.bytesOnAir() : 0,
      gpsBytes: feed?.stats.bytes ?? 0,
      gpsBytesWhileOff: feed?.stats.unheardBytes ?? 0,
      corruptedBytes: feed?.stats.corruptedBytes ?? 0,
      powerCuts,
      powerCutsInSession,
      boots: runner.boots,
      modem: usage,
      card,
      lastStatus,
      jsvars,
      // A real GPS's sentences are counted where the firmware read them.
      energy: tripEnergy({
        durationS: Math.max(1, ranS), // the estimate needs a run of some length
        // A real GPS's power states are not seen here; it counts as continuous tracking.
        gpsPowerSaveS: receiverConfig?.powerSaveS() ?? 0,
        gpsBackupS: receiverConfig?.backupS() ?? 0,
        gpsWakeStartS: receiverConfig?.wakeStartS() ?? 0,
        boardDeepSleepS: runner.deepSleepS,
        sentences: realGps ? runner.sentences : sentences,
        journaled,
        batches,
        modem: usage,
      }),
    };
  } finally {
    for (const c of cleanup.reverse()) await c();
  }
}

/** Every whole fix line on the card's journal files (J0000001.TXT…), torn lines left out. */
export function journaledFixes(card: string) {
  return readJournal(card).fixes;
}

/** The card's journal (its directory, or its Files): its whole fix lines, and how many lines are torn or damaged. */
export function readJournal(card: string | Files) {
  const fixes = [];
  let torn = 0;
  const names = typeof card === "string" ? readdirSync(card) : card.list();
  const text = (name: string) => (typeof card === "string" ? readFileSync(join(card, name), "latin1") : card.read(name, 0, card.size(name)));
  for (const name of names.filter((n) => /^J\d{7}\.TXT$/.test(n)).sort()) {
    for (const line of text(name).split("\n")) {
      const f = journalLineFix(line);
      if (f) fixes.push(f);
      else if (line) torn++;
    }
  }
  return { fixes, torn };
}

/** Waits until `signal` aborts (forever without one). */
const untilAborted = (signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener("abort", () => resolve(), { once: true });
  });

/** Waits `ms`, or less when `signal` aborts. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
