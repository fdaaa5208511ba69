import { boot } from "@kayaktrack/firmware/boot";
import { MemoryFiles } from "@kayaktrack/firmware/files";
import { SimClock } from "@kayaktrack/firmware/sim-clock";
import { decodeBatch } from "@kayaktrack/firmware/wire";
import type { Hardware, SerialPort } from "@kayaktrack/firmware/hardware";
import { mulberry32 } from "@kayaktrack/firmware/testing/prng";
import { trackerStatus } from "../commands/run-firmware.ts";
import type { EnergyEstimate } from "./energy.ts";
import { gpsEpochs } from "./gps/gps-receiver.ts";
import { Neo6mConfig } from "./gps/neo6m-config.ts";
import { NEO6M_BANNER, neo6mSentences, nmeaText } from "./gps/neo6m-sentences.ts";
import { Sim900Emulator, type ModemState } from "./modem/sim900-emulator.ts";
import { startTestIngest } from "./test-ingest.ts";
import { distance } from "./world/geo.ts";
import { loadRoute } from "./world/load-route.ts";
import { readJournal, tripEnergy } from "./simulation.ts";

export interface DayOptions {
  /** tracker.json's settings besides device, token and server (a preset, say) */
  tracker: Record<string, unknown>;
  /** seconds to simulate (default a day: the trip, then the night ashore) */
  durationS?: number;
  seed?: number;
  /** the battery the life is given for (default 3,000 mAh) */
  batteryMah?: number;
  /** asked each second: true cuts the power of board, GPS and modem there, back 5 s later */
  cutWhen?: (now: DayState) => boolean;
  /** what the firmware wrote to the GPS (UBX, as text of byte-sized chars) and to the modem, in order */
  trace?: { gps: string[]; modem: string[] };
}

/** The tracker's power states at one second, for cutWhen. */
export interface DayState {
  tripS: number;
  gpsInBackup: boolean;
  gpsPowerSave: boolean;
  /** the board allowed to deep sleep */
  deepSleep: boolean;
  modem: ModemState;
  uploading: boolean;
}

export interface DayResult {
  durationS: number;
  /** km the boat paddled */
  km: number;
  /** fixes the tracker kept, and those the server holds */
  kept: number;
  stored: number;
  /** each stored fix's time, and the seconds from it to its first arrival at the server */
  storedTimes: number[];
  delaysS: number[];
  /** the fixes on the card's journal at each power cut */
  journaledAtCuts: number[][];
  boots: number;
  /** HTTP requests, and bytes on air both ways (HTTP with its TCP/IP and DNS packets) */
  uploads: number;
  airBytes: number;
  energy: EnergyEstimate;
}

/**
 * A day of the real firmware (boot.ts) in this process, on one simulated clock, so a day takes
 * seconds and repeats exactly: the simulated NEO-6M (its power states: Neo6mConfig) on the GPS's
 * port, the SIM900 emulator on the modem's, and a real ingest server behind the emulator's HTTP.
 * The boat paddles the coastal day (Lagos to Sagres, with breaks) and stands ashore after it.
 * Time waits for the server: no timer fires while a request is at it.
 */
export async function simulateDay(o: DayOptions): Promise<DayResult> {
  const durationS = o.durationS ?? 86_400;
  const seed = o.seed ?? 1;
  const start = Date.UTC(2026, 5, 1, 7, 0, 0) / 1000;
  const route = await loadRoute({ synthetic: "coastal-day", seed, start });
  // A day's requests come in seconds of real time: the server's rate limit (per real second) must not count them.
  const ingest = await startTestIngest({ ratePerSec: 1e6, burst: 1e6 });
  const clock = new SimClock(start * 1000);
  const requests = new Set<Promise<unknown>>();
  clock.idle = async () => {
    do await new Promise<void>((resolve) => setImmediate(resolve));
    while (requests.size > 0 && (await Promise.all(requests)));
  };
  const trueNow = () => start + clock.uptime() / 1000;
  const firstArrival = new Map<number, number>();
  try {
    // The GPS: what the firmware writes goes to the receiver's configuration; its NMEA to the firmware.
    let tripS = 0;
    const receiver = new Neo6mConfig(() => tripS, seed);
    let toFirmware: (chunk: string) => void = () => {};
    const gps: SerialPort = {
      write: (data) => {
        o.trace?.gps.push(data);
        receiver.feed(Buffer.from(data, "latin1"));
      },
      onData: (receive) => (toFirmware = receive),
      close: () => (toFirmware = () => {}),
    };
    // The modem, its HTTP counted and timed on the simulated clock.
    let toDriver: (chunk: string) => void = () => {};
    const modem = new Sim900Emulator({
      io: { write: (data) => toDriver(data.toString("latin1")) },
      clock: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (h) => clock.clearTimeout(h), now: () => clock.uptime() },
      seed,
      fetch: (input, init) => {
        const at = trueNow();
        const body = init?.body;
        const request = fetch(input, init).then((res) => {
          if (res.ok && body instanceof Uint8Array) {
            for (const f of decodeBatch(body).fixes) if (!firstArrival.has(f.time)) firstArrival.set(f.time, at);
          }
          return res;
        });
        requests.add(request);
        void request.finally(() => requests.delete(request)).catch(() => {});
        return request;
      },
    });
    const port: SerialPort = {
      write: (data) => {
        o.trace?.modem.push(data);
        modem.feed(Buffer.from(data, "latin1"));
      },
      onData: (receive) => (toDriver = receive),
      close: () => (toDriver = () => {}),
    };
    const files = new MemoryFiles();
    let deepSleep = false;
    const hw: Hardware = {
      gps,
      modem: port,
      modemPowerKey: { write: (pressed) => modem.powerKey(pressed) },
      modemDtr: { write: (high) => modem.dtr(high) },
      files,
      clock,
      red: { write() {} },
      green: { write() {} },
      battery: () => 3.9,
      kickWatchdog() {},
      deepSleep: (allowed) => (deepSleep = allowed),
      log() {},
    };
    const baked = { device: ingest.device.id, token: ingest.device.token, server: ingest.url, ...o.tracker };
    const start1 = () => {
      const t = boot(hw, { baked, random: mulberry32(seed + boots++) });
      if (!t) throw new Error("the tracker did not boot: its config is wrong");
      toFirmware(nmeaText(NEO6M_BANNER));
      return t;
    };
    let boots = 0;
    let tracker = start1();
    // What ends with a boot: the sums of the ones before.
    const before = { deepSleepS: 0, sentences: 0, kept: 0, batches: 0 };
    const journaledAtCuts: number[][] = [];
    let offUntil = -1;
    let km = 0;
    let last = route.at(start);
    for (const planned of gpsEpochs(route, { seed, duration: durationS })) {
      tripS = planned.time - start;
      await clock.run((planned.time - start) * 1000 - clock.uptime());
      if (offUntil >= 0) {
        if (tripS < offUntil) continue;
        offUntil = -1;
        receiver.powerCut(); // back: it starts again
        tracker = start1();
      } else if (o.cutWhen?.({ tripS, gpsInBackup: receiver.inBackup(), gpsPowerSave: receiver.inPowerSave(), deepSleep, modem: modem.state, uploading: tracker.uploader.state === "uploading" })) {
        // Everything loses power at once: the firmware's timers, the modem, the GPS's RAM. The card keeps what it has.
        journaledAtCuts.push(readJournal(files).fixes.map((f) => f.time));
        const s = trackerStatus(tracker);
        before.deepSleepS += tracker.deepSleepS();
        before.sentences += s.sentences;
        before.kept += tracker.keeper.sampler.kept;
        before.batches += s.batches;
        clock.reset();
        deepSleep = false;
        modem.powerCut();
        toFirmware = () => {};
        toDriver = () => {};
        offUntil = tripS + 5;
        continue;
      }
      const e = receiver.epoch(planned);
      if (e) toFirmware(nmeaText(neo6mSentences(e).filter((s) => receiver.sends(s))));
      const here = route.at(planned.time);
      km += distance(last, here) / 1000;
      last = here;
    }
    await clock.run(1000);
    const status = trackerStatus(tracker);
    const kept = before.kept + tracker.keeper.sampler.kept;
    tracker.stop();
    modem.close();
    const c = modem.counters;
    const stored = ingest.fixes();
    const energy = tripEnergy({
      durationS,
      gpsPowerSaveS: receiver.powerSaveS(),
      gpsBackupS: receiver.backupS(),
      gpsWakeStartS: receiver.wakeStartS(),
      boardDeepSleepS: before.deepSleepS + tracker.deepSleepS(),
      sentences: before.sentences + status.sentences,
      journaled: kept,
      batches: before.batches + status.batches,
      modem: { onS: c.poweredOnMs / 1000, transmitS: c.transmitMs / 1000, requests: c.httpPosts, sleepS: c.sleepMs / 1000 },
      batteryMah: o.batteryMah ?? 3000,
    });
    return {
      durationS,
      km,
      kept,
      stored: stored.length,
      journaledAtCuts,
      boots,
      storedTimes: stored.map((f) => f.time),
      delaysS: stored.map((f) => (firstArrival.get(f.time) ?? NaN) - f.time),
      uploads: c.httpPosts,
      airBytes: c.airBytesSent + c.airBytesReceived,
      energy,
    };
  } finally {
    await ingest.remove();
  }
}
