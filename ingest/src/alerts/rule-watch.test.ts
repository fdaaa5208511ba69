import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Fix } from "../fix.ts";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import { defaultTripOptions } from "../trips/trip.ts";
import { NO_RULES, parseAlertRules, type AlertRules } from "./alert-rules.ts";
import { Notifier } from "./notifier.ts";
import { inArea, RuleWatch } from "./rule-watch.ts";

const log = pino({ level: process.env.DEBUG_RULES ? "debug" : "silent" });
const M = 60_000;
/** 1e-5 degree of latitude is about 1.11 m. */
const north = (m: number) => m / 111_195;

/** A device whose fixes the test writes, a RuleWatch whose clock it sets. */
function setup(rules: Partial<AlertRules>) {
  const store = openSqliteStore(":memory:");
  const device = store.addDevice("kayak").device;
  store.alerts.setRules(device.id, { ...NO_RULES, ...rules });
  const notifier = new Notifier({ alerts: store.alerts, channels: {}, log });
  let now = Date.now();
  const watch = new RuleWatch({ store, notifier, log, tripOptions: () => defaultTripOptions, now: () => now });
  const fix = (t: number, metresNorth: number): Fix => ({
    time: t / 1000, lat: 59.9 + north(metresNorth), lon: 10.7, alt: null, speed: null, course: null, hdop: null, sats: null, accuracy: null, battery: null,
  });
  /** Fixes every 30 s from `from` (epoch ms) for `ms`, at `metres(t)` north of the start. */
  const paddle = (from: number, ms: number, metres: (t: number) => number) => {
    const fixes: Fix[] = [];
    for (let t = from; t <= from + ms; t += 30_000) fixes.push(fix(t, metres(t)));
    store.write([{ deviceId: device.id, source: "batch", fixes }]);
  };
  const open = () => store.alerts.openAlerts(device.id).map((a) => a.kind);
  return {
    store, device, watch, paddle, open,
    at(ms: number) {
      now = ms;
    },
    close: () => void notifier.close(),
  };
}

describe("RuleWatch", () => {
  it("raises overdue when nothing came for overdueMin while on the water, and clears it when uploads resume", async () => {
    const s = setup({ overdueMin: 30 });
    const t0 = Date.now() - 60 * M;
    s.paddle(t0, 60 * M, (t) => (t - t0) / 1000); // 1 m/s northwards, the last fix now
    s.at(Date.now() + 29 * M);
    await s.watch.check();
    expect(s.open()).toEqual([]);
    s.at(Date.now() + 31 * M);
    await s.watch.check();
    expect(s.open()).toEqual(["overdue"]);
    const [alert] = s.store.alerts.openAlerts(s.device.id);
    expect(alert!.detail).toMatch(/^No upload for 31 min while on the water/);
    s.at(Date.now());
    s.paddle(Date.now() + 1000, 60_000, (t) => (t - t0) / 1000);
    await s.watch.check();
    expect(s.open()).toEqual([]);
    s.close();
  });

  it("stays overdue however long the boat is silent out there, and clears a rule's alert when the rule is taken away", async () => {
    const s = setup({ overdueMin: 30 });
    const t0 = Date.now() - 60 * M;
    s.paddle(t0, 60 * M, (t) => (t - t0) / 1000);
    s.at(Date.now() + 3 * 24 * 3600_000);
    await s.watch.check();
    expect(s.open()).toEqual(["overdue"]);
    s.store.alerts.setRules(s.device.id, null);
    await s.watch.check();
    expect(s.open()).toEqual([]);
    s.close();
  });

  it("is not overdue once the boat is ashore (within 50 m for 20 minutes, as the trip split says)", async () => {
    const s = setup({ overdueMin: 30 });
    const t0 = Date.now() - 60 * M;
    s.paddle(t0, 30 * M, (t) => (t - t0) / 1000);
    s.paddle(t0 + 30.5 * M, 29 * M, () => 1800); // landed, and stays
    s.at(Date.now() + 2 * 3600_000);
    await s.watch.check();
    expect(s.open()).toEqual([]);
    s.close();
  });

  it("raises 'still' after stillMin within the radius on the water, and clears it once the boat moves away", async () => {
    const s = setup({ stillMin: 15 });
    const t0 = Date.now() - 40 * M;
    s.paddle(t0, 24 * M, (t) => (t - t0) / 1000);
    s.paddle(t0 + 24.5 * M, 10 * M, (t) => 1440 + ((t / 30_000) % 2) * 8); // stopped: GPS jitter of 8 m
    s.at(Date.now());
    await s.watch.check();
    expect(s.open()).toEqual([]);
    s.paddle(t0 + 35 * M, 5 * M, (t) => 1440 + ((t / 30_000) % 2) * 8);
    await s.watch.check();
    expect(s.open()).toEqual(["still"]);
    const [alert] = s.store.alerts.openAlerts(s.device.id);
    expect(alert).toMatchObject({ detail: "Within 50 m for 15 min while out on the water.", source: "rule" });
    expect(alert!.lat).toBeCloseTo(59.9 + north(1440), 3);
    s.paddle(t0 + 41 * M, 2 * M, (t) => 1440 + (t - t0 - 41 * M) / 1000);
    await s.watch.check();
    expect(s.open()).toEqual([]);
    s.close();
  });

  it("raises 'area' when the boat leaves a circle and clears it when it is back, not again within the cooldown", async () => {
    const s = setup({ area: { circle: { lat: 59.9, lon: 10.7, radiusM: 500 } } });
    const t0 = Date.now() - 30 * M;
    s.paddle(t0, 5 * M, (t) => (t - t0) / 1000);
    s.at(Date.now());
    await s.watch.check();
    expect(s.open()).toEqual([]);
    s.paddle(t0 + 10 * M, 0, () => 600);
    await s.watch.check();
    expect(s.open()).toEqual(["area"]);
    s.paddle(t0 + 11 * M, 0, () => 400);
    await s.watch.check();
    expect(s.open()).toEqual([]);
    s.paddle(t0 + 12 * M, 0, () => 600);
    await s.watch.check();
    expect(s.open(), "within the cooldown of the last clear").toEqual([]);
    s.at(Date.now() + 11 * M);
    s.paddle(t0 + 13 * M, 0, () => 610);
    await s.watch.check();
    expect(s.open()).toEqual(["area"]);
    s.close();
  });

  it("raises overdue past the planned return while out, and clears it and the plan once the boat is back ashore", async () => {
    const s = setup({ returnBy: Date.now() - 5 * M });
    const t0 = Date.now() - 60 * M;
    s.paddle(t0, 60 * M, (t) => (t - t0) / 1000);
    s.at(Date.now());
    await s.watch.check();
    expect(s.open()).toEqual(["overdue"]);
    expect(s.store.alerts.openAlerts(s.device.id)[0]!.detail).toMatch(/^Not back by \d\d:\d\d UTC, the planned return\.$/);
    s.paddle(t0 + 60.5 * M, 25 * M, () => 3600); // ashore, and stays 25 minutes
    await s.watch.check();
    expect(s.open()).toEqual([]);
    expect(s.store.alerts.rules(s.device.id).returnBy).toBeNull();
    s.close();
  });
});

describe("alert rules", () => {
  it("reads rules from JSON and says what is wrong", () => {
    expect(parseAlertRules({ overdueMin: 45, stillMin: 15, area: { circle: { lat: 59.9, lon: 10.7, radiusM: 2000 } } })).toEqual({
      ...NO_RULES, overdueMin: 45, stillMin: 15, area: { circle: { lat: 59.9, lon: 10.7, radiusM: 2000 } },
    });
    expect(parseAlertRules({ overdueMin: 0 })).toBe("'overdueMin' must be whole minutes from 1 to 10080");
    expect(parseAlertRules({ stillMin: 1.5 })).toBe("'stillMin' must be whole minutes from 1 to 120");
    expect(parseAlertRules({ sos: true })).toMatch(/^'sos' is not a rule/);
    expect(parseAlertRules({ area: { circle: { lat: 59.9, lon: 10.7, radiusM: 10 } } })).toMatch(/radius from 50 m/);
    expect(parseAlertRules({ area: { polygon: [[10, 59], [11, 59]] } })).toBe("'area.polygon' must have 3 to 1000 points");
    expect(parseAlertRules([])).toBe("the rules must be a JSON object");
  });

  it("tells inside from outside a polygon and a circle", () => {
    const square = { polygon: [[10, 59], [11, 59], [11, 60], [10, 60]] as Array<[number, number]> };
    expect([inArea(square, 59.5, 10.5), inArea(square, 59.5, 11.5), inArea(square, 60.5, 10.5)]).toEqual([true, false, false]);
    const circle = { circle: { lat: 59.9, lon: 10.7, radiusM: 100 } };
    expect([inArea(circle, 59.9 + north(99), 10.7), inArea(circle, 59.9 + north(101), 10.7)]).toEqual([true, false]);
  });
});
