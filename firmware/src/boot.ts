import { batchesUrl, checkConfig, settingsFromAck, type TrackerConfig } from "./config/config.ts";
import { FixCycle } from "./gps/fix-cycle.ts";
import { Neo6m } from "./gps/neo6m.ts";
import type { Hardware } from "./hal/hardware.ts";
import type { Files } from "./hal/files.ts";
import { Journal } from "./journal/journal.ts";
import { Sim900 } from "./modem/sim900.ts";
import { HoldButton } from "./sos/hold-button.ts";
import { Sos } from "./sos/sos.ts";
import { StatusLed } from "./status-led.ts";
import { FixKeeper } from "./fix-keeper.ts";
import { Uploader, type Uplink } from "./uplink/uploader.ts";
import { BATCH_MEDIA_TYPE, SOS_CANCELLED, SOS_NONE, SOS_ON, type WireFix } from "./wire/batch.ts";

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
  sos: Sos;
  /** seconds the board was allowed to deep sleep (the GPS asleep, no upload under way) */
  deepSleepS(): number;
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
        sleep: config.modemSleep,
        dtr: hw.modemDtr,
        apn: config.apn,
        user: config.apnUser,
        password: config.apnPassword,
        url: batchesUrl(config),
        contentType: BATCH_MEDIA_TYPE,
        token: config.token,
      });

  let fixes = 0;
  let lastKept: WireFix | undefined;
  const keeper = new FixKeeper({
    sampler: config.sampler,
    startDay: Math.floor(clock.now() / 86_400_000),
    onFix(f) {
      if (fixes++ === 0) {
        // GPS time sets the clock (the board has no battery-backed one), then power save if asked.
        if (Math.abs(clock.now() - f.time * 1000) > 2000) clock.setTime(f.time * 1000);
        if (config.gpsPowerSave && !cycle) gps.powerSave(true);
      }
      journal.append(f);
      lastKept = f;
      uploader.fixAdded();
      showLed();
      if (cycle) cycle.kept(f);
    },
  });

  // Sparse fixes (gpsFixEveryS): the GPS sleeps between them, and the board with it.
  const s = config.sampler;
  const cycle = config.gpsFixEveryS
    ? new FixCycle({
        gps: { sleep: (ms) => gps.sleep(ms), wake: () => gps.wake() },
        clock,
        everyS: config.gpsFixEveryS,
        minDistanceM: s.minDistanceM,
        maxIntervalS: s.maxIntervalS,
        turnMinSpeed: s.turnMinSpeed,
        onWake: (n) => keeper.keepAfter(n),
        onSleep: () => mayDeepSleep(),
      })
    : undefined;
  // Deep sleep (STM32 Stop) while the GPS sleeps and no upload is under way: its UARTs hear nothing then.
  let deepSince = -1;
  let deepMs = 0;
  function mayDeepSleep(): void {
    const on = !!cycle && cycle.asleep && uploader.state !== "uploading";
    if (on === deepSince >= 0) return;
    if (hw.deepSleep) hw.deepSleep(on);
    if (on) deepSince = clock.uptime();
    else {
      deepMs += clock.uptime() - deepSince;
      deepSince = -1;
    }
  }

  // The SOS: a 3 s hold raises it, the next cancels it. Each change, and every 2 minutes while it
  // stands, keeps the next fix whatever the sampler says and uploads within 2 s (the next epoch's fix).
  const sos = new Sos({
    files,
    clock,
    now: () => clock.now(),
    repeatMs: 120_000,
    report() {
      keeper.keepNext();
      if (cycle) cycle.wakeNow();
      uploader.urgent(2000);
    },
    onChange(state) {
      say(state === SOS_ON ? (sos.sent ? ": SOS acknowledged by the server" : ": SOS raised") : state === SOS_CANCELLED ? ": SOS cancelled" : ": SOS cancel acknowledged");
      showLed();
    },
  });
  const button = hw.button && new HoldButton({ button: hw.button, clock, holdMs: 3000, onHold: () => sos.toggle() });

  const uploader: Uploader = new Uploader({
    journal,
    uplink: o.uplink || modem!,
    clock,
    random: o.random || Math.random,
    config,
    battery: () => hw.battery(),
    counters: () => keeper.counters(),
    sos,
    latest: () => lastKept,
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
      mayDeepSleep();
      showLed();
    },
  });

  /** The LEDs: an SOS's state above all, then the upload's, then the GPS's. */
  function showLed(): void {
    const u = uploader.state;
    led.show(
      sos.state === SOS_ON ? (sos.sent ? "sos-sent" : "sos") : sos.state === SOS_CANCELLED ? "cancelling"
        : u === "uploading" ? "uploading" : u === "backing-off" ? "retrying" : fixes ? "tracking" : "searching",
    );
  }

  const gps = new Neo6m({ port: hw.gps, periodMs: 1000, onData: (chunk) => keeper.feed(chunk) });
  showLed();
  uploader.start();
  // An SOS that stood (or a cancel not yet told) when the power went: it goes again at once.
  if (sos.state !== SOS_NONE) {
    say(sos.state === SOS_ON ? ": SOS still raised" : ": SOS cancel still to tell");
    keeper.keepNext();
    uploader.urgent(2000);
  }
  say(": device " + config.device + ", uploading to " + config.server);

  return {
    config,
    keeper,
    journal,
    uploader,
    modem,
    led,
    sos,
    deepSleepS: () => (deepMs + (deepSince >= 0 ? clock.uptime() - deepSince : 0)) / 1000,
    stop() {
      stopEarly();
      if (cycle) cycle.close();
      uploader.close();
      sos.close();
      if (button) button.close();
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
