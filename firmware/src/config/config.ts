import { defaultSamplerOptions, type SamplerOptions } from "../sampler/sampler.ts";

/**
 * What a tracker needs to know. It comes from values baked in at flash time
 * (`kayaktrack flash --config tracker.json`) and from CONFIG.TXT on the card,
 * whose values win; the server's acknowledgement may then change the upload
 * intervals (SERVER.TXT). Units are in the names.
 */
export interface TrackerConfig {
  /** the device id that `kayaktrack device add` printed */
  device: number;
  /** the device's secret token, sent as Authorization: Bearer */
  token: string;
  /** the ingest service, e.g. http://example.org:8080 (the SIM900's HTTP stack speaks no TLS) */
  server: string;
  /** the SIM card's GPRS access point, with its user and password ("" when none) */
  apn: string;
  apnUser: string;
  apnPassword: string;
  /** upload at least this often while fixes are pending */
  uploadEveryS: number;
  /** … or as soon as this many fixes are pending */
  uploadAfterFixes: number;
  /** the first upload after boot comes this soon after the first fix, so the map shows the boat at once */
  firstUploadAfterS: number;
  /** fixes per batch: one batch per modem session, up to this many */
  batchFixes: number;
  /** the NEO-6M's power-save mode once it has a fix (UBX-CFG-RXM), at some cost in accuracy */
  gpsPowerSave: boolean;
  /**
   * 0: the GPS stays on. Otherwise, after each kept fix the GPS goes to backup (UBX-RXM-PMREQ) and
   * the board to deep sleep, and both wake for the next fix: after this many seconds, sooner when
   * the last speed covers sampler.minDistanceM sooner, after sampler.maxIntervalS standing still.
   */
  gpsFixEveryS: number;
  /** between uploads the SIM900 stays registered in sleep mode (AT+CSCLK=1, DTR) instead of powered down */
  modemSleep: boolean;
  sampler: SamplerOptions;
}

/** The setting that names a preset; its settings go under every explicit one. */
export type Preset = "live" | "day" | "expedition";

/**
 * Presets (docs/energy.md, "Presets"): sets of the settings below, for what friends should see and
 * how long one cell should last. "day" is the defaults.
 */
export const PRESETS: Record<Preset, Omit<Partial<TrackerConfig>, "sampler"> & { sampler?: Partial<SamplerOptions> }> = {
  // Friends see the boat within 2 minutes: uploads every 90 s, the modem asleep between them and
  // the GPS in power save; a fix every 25 m as by day.
  live: { uploadEveryS: 90, firstUploadAfterS: 10, gpsPowerSave: true, modemSleep: true },
  day: {},
  // A fix a minute or every 100 m, the GPS and board asleep between fixes; uploads every 30 minutes.
  expedition: { uploadEveryS: 1800, uploadAfterFixes: 500, gpsFixEveryS: 60, sampler: { minIntervalS: 10, minDistanceM: 100, maxIntervalS: 600 } },
};

export const defaultConfig: TrackerConfig = {
  device: 0,
  token: "",
  server: "",
  apn: "internet",
  apnUser: "",
  apnPassword: "",
  uploadEveryS: 600,
  uploadAfterFixes: 120,
  firstUploadAfterS: 30,
  batchFixes: 120,
  gpsPowerSave: false,
  gpsFixEveryS: 0,
  modemSleep: false,
  sampler: defaultSamplerOptions,
};

/** The numeric settings and their accepted ranges; the server's acknowledgement may change the first two. */
const RANGES: Record<string, [number, number]> = {
  device: [1, 4294967295],
  uploadEveryS: [60, 86400],
  uploadAfterFixes: [1, 10000],
  firstUploadAfterS: [0, 3600],
  batchFixes: [1, 500],
  gpsFixEveryS: [0, 3600],
};
const BOOLEANS = ["gpsPowerSave", "modemSleep"];
const STRINGS = ["token", "server", "apn", "apnUser", "apnPassword"];

export interface ConfigCheck {
  config: TrackerConfig;
  /** one line per problem, naming the setting; empty when the config is usable */
  errors: string[];
}

/**
 * Layers the sources over the defaults (later ones win) and checks the
 * result: first the preset the last layer naming one names, then every
 * explicit setting of every layer. It never throws: a bad file must give a
 * clear message and an LED pattern on the board, not a crash loop.
 */
export function checkConfig(layers: unknown[]): ConfigCheck {
  const config: TrackerConfig = Object.assign({}, defaultConfig);
  const sampler: SamplerOptions = Object.assign({}, defaultSamplerOptions);
  const errors: string[] = [];
  let preset: unknown;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i] as Record<string, unknown> | null | undefined;
    if (layer && typeof layer === "object" && "preset" in layer) preset = layer.preset;
  }
  if (preset !== undefined) {
    const p = PRESETS[preset as Preset];
    if (typeof preset !== "string" || !p) errors.push('preset: must be "live", "day" or "expedition"');
    else layers = ([p] as unknown[]).concat(layers);
  }
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (layer === undefined || layer === null) continue;
    if (typeof layer !== "object") {
      errors.push("config: not an object");
      continue;
    }
    const o = layer as Record<string, unknown>;
    for (const key in o) {
      const v = o[key];
      if (key === "preset") continue;
      if (key === "sampler") {
        const s = v as Record<string, unknown>;
        for (const k in s) {
          if (!(k in sampler)) errors.push("sampler." + k + ": unknown setting");
          else if (typeof s[k] !== "number" || !(s[k]! as number >= 0)) errors.push("sampler." + k + ": must be a number >= 0");
          else (sampler as unknown as Record<string, number>)[k] = s[k] as number;
        }
      } else if (RANGES[key]) {
        const r = RANGES[key]!;
        if (typeof v !== "number" || !(v >= r[0] && v <= r[1]) || Math.floor(v) !== v) errors.push(key + ": must be a whole number from " + r[0] + " to " + r[1]);
        else (config as unknown as Record<string, unknown>)[key] = v;
      } else if (STRINGS.indexOf(key) >= 0) {
        if (typeof v !== "string") errors.push(key + ": must be a string");
        else (config as unknown as Record<string, unknown>)[key] = v;
      } else if (BOOLEANS.indexOf(key) >= 0) {
        if (typeof v !== "boolean") errors.push(key + ": must be true or false");
        else (config as unknown as Record<string, unknown>)[key] = v;
      } else errors.push(key + ": unknown setting");
    }
  }
  config.sampler = sampler;
  if (!config.device) errors.push("device: missing (`kayaktrack device add` prints it)");
  if (!config.token) errors.push("token: missing");
  if (config.gpsFixEveryS && config.gpsFixEveryS < 10) errors.push("gpsFixEveryS: 0 (the GPS stays on) or from 10 s: a hot start takes a few");
  if (!/^http:\/\/[^\/]+/.test(config.server)) errors.push("server: must be an http:// URL (the SIM900 speaks no TLS)");
  return { config, errors };
}

/** The batch endpoint under the configured server. */
export const batchesUrl = (c: TrackerConfig) => c.server.replace(/\/+$/, "") + "/api/v1/batches";

/**
 * Settings the server sends after an acknowledgement ("every=300 after=60",
 * docs/wire-format.md): the ones in range, as a layer for checkConfig. Others
 * are ignored, so a bad reply cannot break the tracker.
 */
export function settingsFromAck(words: string[]): Partial<TrackerConfig> {
  const out: Record<string, number> = {};
  const names: Record<string, string> = { every: "uploadEveryS", after: "uploadAfterFixes" };
  for (let i = 0; i < words.length; i++) {
    const kv = words[i]!.split("=");
    const name = names[kv[0]!];
    if (!name || kv.length !== 2) continue;
    const v = parseInt(kv[1]!, 10);
    const r = RANGES[name]!;
    if (String(v) === kv[1] && v >= r[0] && v <= r[1]) out[name] = v;
  }
  return out as Partial<TrackerConfig>;
}
