import { describe, expect, it } from "vitest";
import { CURRENTS, type EnergyInputs, estimateEnergy, formatEnergy, SD_APPEND } from "./energy.ts";

const HOUR = 3600;

/** A run with nothing happening but the clock. */
function idle(durationS: number, more: Partial<EnergyInputs> = {}): EnergyInputs {
  return {
    durationS,
    gpsContinuousS: 0,
    gpsPowerSaveS: 0,
    modemOnS: 0,
    modemTransmitS: 0,
    transmitBursts: 0,
    boardRunS: 0,
    boardSleepS: 0,
    sdWrites: 0,
    ...more,
  };
}

const part = (e: ReturnType<typeof estimateEnergy>, name: string) => e.parts.find((p) => p.part === name);

describe("estimateEnergy", () => {
  it("charges one hour of continuous GPS at its current: 39 mA for 1 h is 39 mAh", () => {
    const e = estimateEnergy(idle(HOUR, { gpsContinuousS: HOUR }));
    expect(part(e, "GPS continuous tracking")).toMatchObject({ mah: 39, currentMa: 39, seconds: HOUR });
    // the breakout's assumed 2 mA rides along while the GPS is powered
    expect(part(e, "GPS breakout LED and regulator")?.mah).toBeCloseTo(2, 12);
  });

  it("adds up a hand-computed two-hour run", () => {
    const e = estimateEnergy({
      durationS: 2 * HOUR,
      gpsContinuousS: 600, // 10 min, of which 60 s acquiring
      gpsAcquisitionS: 60,
      gpsPowerSaveS: 6600, // the other 110 min
      modemOnS: 720, // 12 min on, of which 2 min sending
      modemTransmitS: 120,
      transmitBursts: 4,
      boardRunS: 360,
      boardSleepS: 0,
      sdWrites: 720,
    });
    // by hand, mA × h:
    const expected = {
      "GPS acquisition": 47 * (60 / HOUR), // 0.7833
      "GPS continuous tracking": 39 * (540 / HOUR), // 5.85
      "GPS power save": 11 * (6600 / HOUR), // 20.1667
      "GPS breakout LED and regulator": 2 * 2, // 4
      "SIM900 GPRS data": 440 * (120 / HOUR), // 14.6667
      "SIM900 idle": 22 * (600 / HOUR), // 3.6667
      "SIM900 powered down": 0.03 * (6480 / HOUR), // 0.054
      "board running": 32 * (360 / HOUR), // 3.2
      "board asleep": 11 * (6840 / HOUR), // 20.9
      "SD card writing": 100 * ((720 * 0.05) / HOUR), // 1
      "SD card standby": 0.25 * ((7200 - 36) / HOUR), // 0.4975
    };
    expect(Object.fromEntries(e.parts.map((p) => [p.part, p.mah]))).toEqual(
      Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, expect.closeTo(v, 9)])),
    );
    expect(e.totalMah).toBeCloseTo(74.78483, 4);
    expect(e.averageMa).toBeCloseTo(74.78483 / 2, 4);
  });

  it("has parts that sum to the total, each mAh = mA × s / 3600", () => {
    const e = estimateEnergy(
      idle(5 * HOUR, { gpsContinuousS: 900, gpsPowerSaveS: 17000, modemOnS: 1200, modemTransmitS: 300, transmitBursts: 10, boardRunS: 1000, boardSleepS: 8000, sdWrites: 1800 }),
    );
    expect(e.parts.reduce((s, p) => s + p.mah, 0)).toBeCloseTo(e.totalMah, 12);
    for (const p of e.parts) expect(p.mah).toBeCloseTo((p.currentMa * p.seconds) / HOUR, 12);
  });

  it("gives battery life as battery / average current", () => {
    const e = estimateEnergy(idle(HOUR, { gpsPowerSaveS: HOUR, batteryMah: 2500 }));
    expect(e.batteryMah).toBe(2500);
    expect(e.batteryLifeH).toBeCloseTo(2500 / e.averageMa, 12);
    expect(estimateEnergy(idle(HOUR)).batteryMah).toBe(2000);
  });

  it("with nothing but time gives only the baseline: board asleep, modem powered down, card on standby", () => {
    const e = estimateEnergy(idle(10 * HOUR));
    expect(e.parts.map((p) => p.part).sort()).toEqual(["SD card standby", "SIM900 powered down", "board asleep"]);
    expect(e.averageMa).toBeCloseTo(CURRENTS.boardSleep.ma + CURRENTS.modemPowerDown.ma + CURRENTS.sdStandby.ma, 12);
    expect(e.totalMah).toBeCloseTo(10 * (11 + 0.03 + 0.25), 9);
  });

  it("charges deep sleep at the Stop current, not Espruino's ordinary sleep", () => {
    const e = estimateEnergy(idle(HOUR, { boardSleepS: HOUR }));
    expect(part(e, "board deep sleep")?.mah).toBeCloseTo(0.02, 12);
    expect(part(e, "board asleep")).toBeUndefined();
  });

  it("rejects negative, NaN, infinite, missing and fractional counts with an Error naming the input", () => {
    const bad: Array<[Partial<EnergyInputs>, RegExp]> = [
      [{ gpsContinuousS: -1 }, /gpsContinuousS must be a finite number ≥ 0, got -1/],
      [{ modemOnS: Number.NaN }, /modemOnS .* got NaN/],
      [{ boardRunS: Number.POSITIVE_INFINITY }, /boardRunS .* got Infinity/],
      [{ sdWrites: undefined as unknown as number }, /sdWrites .* got undefined/],
      [{ batteryMah: Number.NaN }, /batteryMah .* got NaN/],
      [{ gpsAcquisitionS: -5 }, /gpsAcquisitionS/],
      [{ transmitBursts: 1.5 }, /transmitBursts must be a whole number/],
      [{ durationS: 0 }, /durationS must be > 0/],
      [{ batteryMah: 0 }, /batteryMah must be > 0/],
    ];
    for (const [more, message] of bad) expect(() => estimateEnergy(idle(HOUR, more))).toThrow(message);
    expect(() => estimateEnergy(null as unknown as EnergyInputs)).toThrow(Error);
  });

  it("adds up a hand-computed hour of sparse fixes: GPS in backup, board in deep sleep, modem asleep", () => {
    const e = estimateEnergy(
      idle(HOUR, {
        gpsContinuousS: 360, // 60 wake-ups of 6 s, each 1 s acquiring (hot start)
        gpsAcquisitionS: 60,
        gpsBackupS: 3240,
        modemOnS: 40, // one upload: 40 s awake, 8 of them sending
        modemTransmitS: 8,
        modemSleepS: 3560,
        transmitBursts: 1,
        boardRunS: 30,
        boardSleepS: 3200,
        sdWrites: 62,
      }),
    );
    const expected = {
      "GPS acquisition": 47 * (60 / HOUR), // 0.78333
      "GPS continuous tracking": 39 * (300 / HOUR), // 3.25
      "GPS backup": 0.022 * (3240 / HOUR), // 0.0198
      "GPS breakout LED and regulator": 2 * 1, // the whole hour: VCC stays on
      "SIM900 GPRS data": 440 * (8 / HOUR), // 0.97778
      "SIM900 idle": 22 * (32 / HOUR), // 0.19556
      "SIM900 sleep": 1.5 * (3560 / HOUR), // 1.48333
      "board running": 32 * (30 / HOUR), // 0.26667
      "board asleep": 11 * (370 / HOUR), // 1.13056
      "board deep sleep": 0.02 * (3200 / HOUR), // 0.01778
      "SD card writing": 100 * ((62 * 0.05) / HOUR), // 0.08611
      "SD card standby": 0.25 * ((3600 - 3.1) / HOUR), // 0.24978
    };
    expect(Object.fromEntries(e.parts.map((p) => [p.part, p.mah]))).toEqual(
      Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, expect.closeTo(v, 9)])),
    );
    // 10.46 mA in all: the breakout's LED, the wake-ups and the modem's sleep are most of it.
    expect(e.averageMa).toBeCloseTo(10.461, 3);
  });

  it("rejects times that do not fit in the run", () => {
    const bad: Array<[Partial<EnergyInputs>, RegExp]> = [
      [{ gpsContinuousS: 3000, gpsPowerSaveS: 1000 }, /gpsContinuousS \+ gpsPowerSaveS \+ gpsBackupS \(4000 s\) is more than durationS \(3600 s\)/],
      [{ gpsContinuousS: 3000, gpsBackupS: 601 }, /gpsContinuousS \+ gpsPowerSaveS \+ gpsBackupS \(3601 s\)/],
      [{ modemOnS: 600, modemSleepS: 3001 }, /modemOnS \+ modemSleepS \(3601 s\) is more than durationS/],
      [{ gpsContinuousS: 10, gpsAcquisitionS: 20 }, /gpsAcquisitionS \(20 s\) is more than gpsContinuousS/],
      [{ modemOnS: 10, modemTransmitS: 11 }, /modemTransmitS .* more than modemOnS/],
      [{ modemOnS: 4000 }, /modemOnS \+ modemSleepS .* more than durationS/],
      [{ boardRunS: 2000, boardSleepS: 2000 }, /boardRunS \+ boardSleepS/],
      [{ sdWrites: Math.ceil(HOUR / SD_APPEND.seconds) + 1 }, /sdWrites/],
    ];
    for (const [more, message] of bad) expect(() => estimateEnergy(idle(HOUR, more))).toThrow(message);
  });

  it("cites a source for every current, and labels the assumptions", () => {
    for (const [name, c] of Object.entries(CURRENTS)) {
      expect(c.ma, name).toBeGreaterThan(0);
      expect(c.source.length, name).toBeGreaterThan(40);
    }
    expect(CURRENTS.gpsBreakout.source).toMatch(/^ASSUMPTION/);
    expect(CURRENTS.sdStandby.source).toMatch(/^ASSUMPTION/);
    expect(SD_APPEND.source).toMatch(/^ASSUMPTION/);
    expect(CURRENTS.gpsPowerSave.source).toMatch(/GPS\.G6-HW-09005-E.*Table 11/);
    expect(CURRENTS.modemGprs.source).toMatch(/SIM900_HD_V1\.05.*Table 29.*CLASS 10/);
  });
});

describe("formatEnergy", () => {
  it("names the total, the biggest part first, the uploads and the battery life", () => {
    const e = estimateEnergy({
      durationS: 2 * HOUR,
      gpsContinuousS: 600,
      gpsPowerSaveS: 6600,
      modemOnS: 720,
      modemTransmitS: 120,
      transmitBursts: 4,
      boardRunS: 360,
      boardSleepS: 0,
      sdWrites: 720,
    });
    const text = formatEnergy(e);
    const lines = text.split("\n");
    expect(lines[0]).toBe(`Energy estimate: ${e.totalMah.toFixed(1)} mAh over 2h00m, average ${e.averageMa.toFixed(1)} mA (currents and sources: docs/energy.md)`);
    expect(lines[1]).toMatch(/^ {2}board asleep +11 mA for +1h54m +20\.9 mAh$/);
    expect(text).toContain("4 uploads: the modem used");
    expect(text).toContain(`Battery: 2000 mAh lasts about ${e.batteryLifeH.toFixed(1)} h`);
    expect(text).toContain("2 A");
  });
});
