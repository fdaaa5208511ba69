import { batchesUrl, checkConfig, settingsFromAck, type TrackerConfig } from "./config/config.ts";
import { Neo6m } from "./gps/neo6m.ts";
import type { Hardware } from "./hal/hardware.ts";
import type { Files } from "./hal/files.ts";
import { Journal } from "./journal/journal.ts";
import { Sim900 } from "./modem/sim900.ts";
import { StatusLed } from "./status-led.ts";
import { FixKeeper } from "./fix-keeper.ts";
import { Uploader, type Uplink } from "./uplink/uploader.ts";
import { BATCH_MEDIA_TYPE } from "./wire/batch.ts";

/** The card's config file (JSON; its values win over the ones baked in at flash time). */
export const CONFIG_FILE = "CONFIG.TXT";
/** Interval settings from the server's acknowledgements, one JSON line each; the last whole one counts. */
export const SERVER_FILE = "SERVER.TXT";

export interface RunOptions {
  /** the config baked in at flash time (global KAYAKTRACK_CONFIG on the board) */
  baked?: unknown;
  /** instead of the SIM900: the laptop's direct HTTP uplink (`simulate --uplink http`) */
  uplink?: Uplink;
  random?: () => number;
}

/** A running tracker's parts, for the console, tests and the simulator's progress line. */
export interface RunningTracker {
  config: TrackerConfig;
  keeper: FixKeeper;
  journal: Journal;
  uploader: Uploader;
  modem: Sim900 | undefined;
  led: StatusLed;
  stop(): void;
}

/**
 * The tracker on any hardware: reads the config, opens the journal, and wires
 * GPS → FixKeeper (NMEA → fixes → sampler) → journal → uploader → modem. A bad config or a
 * missing card gives console messages and the error LED, and nothing else
 * runs: no crash, no reboot loop. Returns undefined then.
 */
export function boot(hw: Hardware, o: RunOptions = {}): RunningTracker | undefined {
  const clock = hw.clock;
  const say = (m: string) => hw.log("kayaktrack" + m);
  const led = new StatusLed({ red: hw.red, green: hw.green, clock });
  const files = hw.files;
  // The watchdog is kicked from a timer: if the interpreter hangs, the board resets.
  const kick = () => {
    hw.kickWatchdog();
    watchdog = clock.setTimeout(kick, 10_000);
  };
  let watchdog = clock.setTimeout(kick, 10_000);
  const stopEarly = () => clock.clearTimeout(watchdog);
  if (!files) {
    say(": no SD card: insert one and restart");
    led.show("error");
    return undefined;
  }
  const layers: unknown[] = [o.baked, readJson(files, CONFIG_FILE, hw.log), lastServerSettings(files)];
  const { config, errors } = checkConfig(layers);
  if (errors.length) {
    for (let i = 0; i < errors.length; i++) say(" config: " + errors[i]);
    led.show("error");
    return undefined;
  }

  const journal = new Journal({ files });
  journal.open();
  if (journal.torn) say(": " + journal.torn + " damaged journal lines skipped");

  const modem = o.uplink
    ? undefined
    : new Sim900({
        io: hw.modem,
        clock,
        powerKey: hw.modemPowerKey,
        status: hw.modemStatus,
        apn: config.apn,
        user: config.apnUser,
        password: config.apnPassword,
        url: batchesUrl(config),
        contentType: BATCH_MEDIA_TYPE,
        token: config.token,
      });

  let fixes = 0;
  const keeper = new FixKeeper({
    sampler: config.sampler,
    startDay: Math.floor(clock.now() / 86_400_000),
    onFix(f) {
      if (fixes++ === 0) {
        // GPS time sets the clock (the board has no battery-backed one), then power save if asked.
        if (Math.abs(clock.now() - f.time * 1000) > 2000) clock.setTime(f.time * 1000);
        if (config.gpsPowerSave) gps.powerSave(true);
      }
      journal.append(f);
      uploader.fixAdded();
      if (uploader.state !== "uploading" && uploader.state !== "backing-off") led.show("tracking");
    },
  });

  const uploader: Uploader = new Uploader({
    journal,
    uplink: o.uplink || modem!,
    clock,
    random: o.random || Math.random,
    config,
    battery: () => hw.battery(),
    counters: () => keeper.counters(),
    onAck(ack) {
      const changed = settingsFromAck(ack.settings || []);
      const every = changed.uploadEveryS || config.uploadEveryS;
      const after = changed.uploadAfterFixes || config.uploadAfterFixes;
      if (every === config.uploadEveryS && after === config.uploadAfterFixes) return;
      config.uploadEveryS = every;
      config.uploadAfterFixes = after;
      // A new line each time; the file starts over once it is long. A line torn by a power cut is passed over at boot.
      if (files.size(SERVER_FILE) > 2048) files.remove(SERVER_FILE);
      files.append(SERVER_FILE, JSON.stringify({ uploadEveryS: every, uploadAfterFixes: after }) + "\n");
      say(": the server set uploads every " + every + " s or " + after + " fixes");
    },
    onState(state, error) {
      if (error) say(" upload: " + error.message);
      led.show(state === "uploading" ? "uploading" : state === "backing-off" ? "retrying" : fixes ? "tracking" : "searching");
    },
  });

  const gps = new Neo6m({ port: hw.gps, periodMs: 1000, onData: (chunk) => keeper.feed(chunk) });
  led.show("searching");
  uploader.start();
  say(": device " + config.device + ", uploading to " + config.server);

  return {
    config,
    keeper,
    journal,
    uploader,
    modem,
    led,
    stop() {
      stopEarly();
      uploader.close();
      led.close();
      // The drivers close their ports: on the board, the UARTs' listeners go with them.
      gps.close();
      if (modem) modem.close();
    },
  };
}

/** A JSON file's object, undefined when absent; a broken file is reported and counts as a config error. */
function readJson(files: Files, name: string, log: (m: string) => void): unknown {
  const size = files.size(name);
  if (!size) return undefined;
  try {
    return JSON.parse(files.read(name, 0, size));
  } catch (e) {
    log("kayaktrack config: " + name + " is not valid JSON (" + (e as Error).message + ")");
    return "unreadable " + name;
  }
}

/** The last whole line of SERVER.TXT: a line torn by a power cut does not parse and is passed over. */
function lastServerSettings(files: Files): unknown {
  const size = files.size(SERVER_FILE);
  const lines = files.read(SERVER_FILE, Math.max(0, size - 512), 512).split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const v = JSON.parse(lines[i]!);
      if (v && typeof v === "object") return v;
    } catch (e) {
      // torn or empty: the one before
    }
  }
  return undefined;
}
