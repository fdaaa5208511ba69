import { describe, expect, it } from "vitest";
import { batchesUrl, checkConfig, defaultConfig, PRESETS, settingsFromAck } from "./config.ts";

const good = { device: 3, token: "t0k", server: "http://example.org:8080/" };

describe("tracker config", () => {
  it("layers flash-time values, then the card's, over the defaults", () => {
    const { config, errors } = checkConfig([good, { apn: "web.example", uploadEveryS: 300, sampler: { minDistanceM: 10 } }]);
    expect(errors).toEqual([]);
    expect(config.device).toBe(3);
    expect(config.apn).toBe("web.example");
    expect(config.uploadEveryS).toBe(300);
    expect(config.uploadAfterFixes).toBe(defaultConfig.uploadAfterFixes);
    expect(config.sampler.minDistanceM).toBe(10);
    expect(config.sampler.maxIntervalS).toBe(defaultConfig.sampler.maxIntervalS);
    expect(batchesUrl(config)).toBe("http://example.org:8080/api/v1/batches");
  });

  it("names every bad setting instead of throwing", () => {
    const { errors } = checkConfig([{ device: -1, token: 5, server: "https://x", uploadEveryS: 1, colour: "red", sampler: { minSats: "4", nope: 1 }, gpsPowerSave: "yes" }]);
    expect(errors).toEqual([
      "device: must be a whole number from 1 to 4294967295",
      "token: must be a string",
      "uploadEveryS: must be a whole number from 60 to 86400",
      "colour: unknown setting",
      "sampler.minSats: must be a number >= 0",
      "sampler.nope: unknown setting",
      "gpsPowerSave: must be true or false",
      "device: missing (`kayaktrack device add` prints it)",
      "token: missing",
      "server: must be an http:// URL (the SIM900 speaks no TLS)",
    ]);
    expect(checkConfig(["nonsense"]).errors[0]).toBe("config: not an object");
  });

  it("a preset sets its settings under every explicit one, wherever that one is", () => {
    const live = checkConfig([good, { preset: "live" }]);
    expect(live.errors).toEqual([]);
    expect(live.config).toMatchObject({ uploadEveryS: 90, gpsPowerSave: true, modemSleep: true, gpsFixEveryS: 0 });
    expect(live.config.sampler).toEqual(defaultConfig.sampler);
    // Explicit settings win over the preset, also those in a layer below the one naming it.
    const mine = checkConfig([{ ...good, uploadEveryS: 120, sampler: { minDistanceM: 150 } }, { preset: "expedition" }]);
    expect(mine.errors).toEqual([]);
    expect(mine.config).toMatchObject({ uploadEveryS: 120, uploadAfterFixes: 500, gpsFixEveryS: 60, modemSleep: false });
    expect(mine.config.sampler).toEqual({ ...defaultConfig.sampler, minIntervalS: 10, minDistanceM: 150, maxIntervalS: 600 });
    // The last layer naming a preset names it; "day" is the defaults.
    const day = checkConfig([{ ...good, preset: "live" }, { preset: "day" }]);
    expect(day.config).toEqual({ ...defaultConfig, ...good });
    expect(PRESETS.day).toEqual({});
  });

  it("names a bad preset and bad power settings", () => {
    expect(checkConfig([good, { preset: "turbo" }]).errors).toEqual(['preset: must be "live", "day" or "expedition"']);
    expect(checkConfig([good, { preset: 3 }]).errors).toEqual(['preset: must be "live", "day" or "expedition"']);
    expect(checkConfig([good, { gpsFixEveryS: 5, modemSleep: 1 }]).errors).toEqual([
      "modemSleep: must be true or false",
      "gpsFixEveryS: 0 (the GPS stays on) or from 10 s: a hot start takes a few",
    ]);
    expect(checkConfig([good, { gpsFixEveryS: 4000 }]).errors).toEqual(["gpsFixEveryS: must be a whole number from 0 to 3600"]);
  });

  it("takes only in-range interval settings from the server", () => {
    expect(settingsFromAck(["every=300", "after=60"])).toEqual({ uploadEveryS: 300, uploadAfterFixes: 60 });
    expect(settingsFromAck(["every=5", "after=x", "after=1e3", "colour=red", "every"])).toEqual({});
  });
});
