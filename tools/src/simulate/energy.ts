/**
 * The energy a simulated run would have taken from the tracker's battery, from
 * how long each part spent in each state and the currents their documents give.
 * docs/energy.md explains the model and lists the sources.
 *
 * Every current is taken as drawn from the battery mA for mA: the Pico's 3.3 V
 * regulator and the GPS breakout's regulator are linear (current in = current
 * out), and a 1S Li-ion cell can feed the SIM900's VBAT directly (3.1–4.8 V,
 * SIM900_HD_V1.05 Table 28). Behind a switching converter the battery would
 * supply the SIM900's power at its own voltage, so fewer mA.
 */

export interface EnergyInputs {
  /** wall (simulated) time of the run, seconds; must be > 0 */
  durationS: number;
  /** GPS in continuous (max performance) mode, acquisition included */
  gpsContinuousS: number;
  /** of gpsContinuousS, the part spent acquiring (before the first fix); charged at the acquisition current. Default 0 */
  gpsAcquisitionS?: number;
  /** GPS in power save mode (UBX-CFG-RXM lpMode 1). The rest of the run the GPS counts as unpowered */
  gpsPowerSaveS: number;
  /** GPS in backup state (UBX-RXM-PMREQ) between sparse fixes, its VCC still on. Default 0 */
  gpsBackupS?: number;
  /** SIM900 powered (registered, idle, GPRS attached), sessions included. The rest of the run it is powered down (AT+CPOWD) */
  modemOnS: number;
  /** SIM900 registered in sleep mode (AT+CSCLK=1, DTR high) between uploads, not part of modemOnS. Default 0 */
  modemSleepS?: number;
  /** of modemOnS, the time in GPRS data transfer (the HTTP requests) */
  modemTransmitS: number;
  /** HTTP requests (sessions); reported per request, no extra overhead is charged (their time is in modemOnS/modemTransmitS) */
  transmitBursts: number;
  /** MCU running JavaScript */
  boardRunS: number;
  /** MCU in deep sleep (STM32 Stop, setDeepSleep(1)); the time neither running nor in deep sleep is Espruino's ordinary sleep */
  boardSleepS: number;
  /** appends to the card (short write bursts) */
  sdWrites: number;
  /** battery capacity, default 2000 mAh */
  batteryMah?: number;
}

export interface EnergyPart {
  part: string;
  mah: number;
  currentMa: number;
  seconds: number;
  source: string;
}

export interface EnergyEstimate {
  totalMah: number;
  averageMa: number;
  parts: EnergyPart[];
  batteryMah: number;
  batteryLifeH: number;
  /** the run's length, and the uploads, for the summary */
  durationS: number;
  transmitBursts: number;
}

const NEO6 =
  "u-blox NEO-6 Data Sheet, GPS.G6-HW-09005-E, §3.3 Indicative power requirements, Table 11 (average supply current, VCC = 3.0 V), " +
  "https://content.u-blox.com/sites/default/files/products/documents/NEO-6_DataSheet_(GPS.G6-HW-09005).pdf";
const SIM900_28 = "SIMCom SIM900 Hardware Design, SIM900_HD_V1.05 (2010-06-23), §5.3 Power Supply Ratings, Table 28 (IVBAT average supply current)";
const SIM900_29 = "SIMCom SIM900 Hardware Design, SIM900_HD_V1.05 (2010-06-23), §5.4 Current Consumption (VBAT = 3.8 V), Table 29";
const ESPRUINO_POWER = "Espruino, Power Consumption, STM32 table, column Pico/WiFi, https://www.espruino.com/Power+Consumption";

/** Every current the estimate uses, with the document it comes from. Assumptions say so. */
export const CURRENTS = {
  gpsAcquisition: { ma: 47, source: `${NEO6}: Icc Acquisition, all modules, typ. 47 mA (average of 30 s after a cold start, footnote 19)` },
  gpsContinuous: { ma: 39, source: `${NEO6}: Icc Tracking (Max Performance mode), NEO-6M/P/V, typ. 39 mA` },
  gpsPowerSave: { ma: 11, source: `${NEO6}: Icc Tracking (Power Save mode / 1 Hz), NEO-6M, typ. 11 mA` },
  gpsBackup: {
    ma: 0.022,
    source:
      "u-blox NEO-6 Data Sheet, GPS.G6-HW-09005-E, §3.2 Operating conditions, Table 10: I_BCKP, backup battery current, typ. 22 µA " +
      "(V_BCKP = 1.8 V, VCC = 0 V). ASSUMPTION that backup entered by UBX-RXM-PMREQ with VCC on costs the same: the data sheet gives no figure for it. " +
      "The breakout's LED and regulator still draw (below)",
  },
  gpsBreakout: {
    ma: 2,
    source:
      "ASSUMPTION, no source found: the GY-GPS6MV1 breakout's power LED (about 1.5 mA through an assumed 1 kΩ from 3.3 V) " +
      "and its regulator's ground current, while the GPS is powered. Measure it and replace this",
  },
  modemPowerDown: { ma: 0.03, source: `${SIM900_28}: POWER DOWN mode, 30 µA` },
  modemIdle: { ma: 22, source: `${SIM900_28}: IDLE mode, 22 mA (all bands)` },
  modemSleep: {
    ma: 1.5,
    source: `${SIM900_28}: SLEEP mode, 1.0, 1.2 and 1.5 mA at BS-PA-MFRMS = 9, 5 and 2 (the network's paging interval); the highest taken. §3.5.2: with AT+CSCLK=1 and DTR high`,
  },
  modemGprs: {
    ma: 440,
    source: `${SIM900_29}: DATA mode, GPRS (3 Rx, 2 Tx) CLASS 10 (the module's default), GSM 850/EGSM 900 @power level #5 (the highest), typical 440 mA; at #12 it is 185 mA`,
  },
  modemPeak: {
    ma: 2000,
    source: `${SIM900_28}: peak supply current during a Tx burst at the power control level for Pout max., 2.0 A. Not integrated: the bursts are inside the GPRS average; the supply must deliver them`,
  },
  boardRun: { ma: 32, source: `${ESPRUINO_POWER}: Run, 32 mA (executing code at full speed)` },
  boardSleep: {
    ma: 11,
    source: `${ESPRUINO_POWER}: Sleep, ~11 mA (CPU clock stopped, peripherals running; Espruino's idle whenever it is not executing code)`,
  },
  boardDeepSleep: {
    ma: 0.02,
    source: `${ESPRUINO_POWER}: Stop (deep sleep, setDeepSleep(1)), 0.02 mA; https://www.espruino.com/Pico, Features: "Current draw in sleep: < 0.05mA"`,
  },
  sdWrite: {
    ma: 100,
    source:
      "SD Association, Physical Layer Simplified Specification, bus operating conditions: Operation in Default (speed) Mode, maximum 100 mA averaged over 1 s, " +
      'as restated in Transcend TS4~16GUSDHC2-P3 microSDHC datasheet p. 3, "Current Consumption". A maximum, not a typical figure',
  },
  sdStandby: {
    ma: 0.25,
    source:
      'ASSUMPTION from a measurement, not a datasheet: a user measured 250 µA for a card idle after SD.begin() (github.com/greiman/sdfat-beta/issues/14); cards vary',
  },
} satisfies Record<string, { ma: number; source: string }>;

/** How long one append keeps the card busy writing. */
export const SD_APPEND = {
  seconds: 0.05,
  source:
    "ASSUMPTION, no source found: one append (a data sector plus the FAT and directory entry) taken as 50 ms of writing; " +
    "cards differ widely, so measure your card and replace this",
};

const NUMBERS = [
  "durationS",
  "gpsContinuousS",
  "gpsAcquisitionS",
  "gpsPowerSaveS",
  "gpsBackupS",
  "modemOnS",
  "modemSleepS",
  "modemTransmitS",
  "transmitBursts",
  "boardRunS",
  "boardSleepS",
  "sdWrites",
  "batteryMah",
] as const;

const OPTIONAL: string[] = ["gpsAcquisitionS", "gpsBackupS", "modemSleepS", "batteryMah"];

/** seconds of slack when checking that parts fit the run: sums of floats */
const SLACK_S = 1e-6;

/** The energy estimate for a run; an Error says which input is wrong. */
export function estimateEnergy(i: EnergyInputs): EnergyEstimate {
  if (i === null || typeof i !== "object") throw new Error("energy: inputs must be an object");
  for (const key of NUMBERS) {
    const v = i[key];
    if (v === undefined && OPTIONAL.indexOf(key) >= 0) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new Error(`energy: ${key} must be a finite number ≥ 0, got ${String(v)}`);
  }
  for (const key of ["transmitBursts", "sdWrites"] as const) {
    if (!Number.isInteger(i[key])) throw new Error(`energy: ${key} must be a whole number, got ${i[key]}`);
  }
  const d = i.durationS;
  if (d === 0) throw new Error("energy: durationS must be > 0");
  const battery = i.batteryMah ?? 2000;
  if (battery === 0) throw new Error("energy: batteryMah must be > 0");
  const acquisition = i.gpsAcquisitionS ?? 0;
  fits("gpsAcquisitionS", acquisition, "gpsContinuousS", i.gpsContinuousS);
  const gpsBackupS = i.gpsBackupS ?? 0;
  const modemSleepS = i.modemSleepS ?? 0;
  fits("gpsContinuousS + gpsPowerSaveS + gpsBackupS", i.gpsContinuousS + i.gpsPowerSaveS + gpsBackupS, "durationS", d);
  fits("modemTransmitS", i.modemTransmitS, "modemOnS", i.modemOnS);
  fits("modemOnS + modemSleepS", i.modemOnS + modemSleepS, "durationS", d);
  fits("boardRunS + boardSleepS", i.boardRunS + i.boardSleepS, "durationS", d);
  const sdWriteS = i.sdWrites * SD_APPEND.seconds;
  fits(`sdWrites × ${SD_APPEND.seconds} s`, sdWriteS, "durationS", d);

  const c = CURRENTS;
  const parts: EnergyPart[] = [];
  const add = (part: string, current: { ma: number; source: string }, seconds: number, source = current.source) => {
    const s = Math.max(0, seconds); // a float remainder may come out as -1e-12
    if (s > 0) parts.push({ part, mah: (current.ma * s) / 3600, currentMa: current.ma, seconds: s, source });
  };
  add("GPS acquisition", c.gpsAcquisition, acquisition);
  add("GPS continuous tracking", c.gpsContinuous, i.gpsContinuousS - acquisition);
  add("GPS power save", c.gpsPowerSave, i.gpsPowerSaveS);
  add("GPS backup", c.gpsBackup, gpsBackupS);
  add("GPS breakout LED and regulator", c.gpsBreakout, i.gpsContinuousS + i.gpsPowerSaveS + gpsBackupS);
  add("SIM900 GPRS data", c.modemGprs, i.modemTransmitS);
  add("SIM900 idle", c.modemIdle, i.modemOnS - i.modemTransmitS);
  add("SIM900 sleep", c.modemSleep, modemSleepS);
  add("SIM900 powered down", c.modemPowerDown, d - i.modemOnS - modemSleepS);
  add("board running", c.boardRun, i.boardRunS);
  add("board asleep", c.boardSleep, d - i.boardRunS - i.boardSleepS);
  add("board deep sleep", c.boardDeepSleep, i.boardSleepS);
  add("SD card writing", c.sdWrite, sdWriteS, `${c.sdWrite.source}; ${SD_APPEND.source}`);
  add("SD card standby", c.sdStandby, d - sdWriteS);

  const totalMah = parts.reduce((s, p) => s + p.mah, 0);
  const averageMa = (totalMah * 3600) / d;
  return {
    totalMah,
    averageMa,
    parts,
    batteryMah: battery,
    batteryLifeH: averageMa > 0 ? battery / averageMa : Infinity,
    durationS: d,
    transmitBursts: i.transmitBursts,
  };
}

function fits(what: string, value: number, limitName: string, limit: number): void {
  if (value > limit + SLACK_S) throw new Error(`energy: ${what} (${value} s) is more than ${limitName} (${limit} s)`);
}

/** A few lines for the end-of-run summary: the total, each part, and the battery life it implies. */
export function formatEnergy(e: EnergyEstimate): string {
  const lines = [`Energy estimate: ${mah(e.totalMah)} over ${hm(e.durationS)}, average ${e.averageMa.toFixed(1)} mA (currents and sources: docs/energy.md)`];
  const width = Math.max(...e.parts.map((p) => p.part.length));
  for (const p of [...e.parts].sort((a, b) => b.mah - a.mah)) {
    lines.push(`  ${p.part.padEnd(width)}  ${ma(p.currentMa).padStart(8)} for ${hm(p.seconds).padStart(7)}  ${mah(p.mah).padStart(11)}`);
  }
  const modem = e.parts.filter((p) => p.part.startsWith("SIM900")).reduce((s, p) => s + p.mah, 0);
  if (e.transmitBursts > 0) lines.push(`  ${e.transmitBursts} upload${e.transmitBursts === 1 ? "" : "s"}: the modem used ${mah(modem / e.transmitBursts)} per upload`);
  const life = Number.isFinite(e.batteryLifeH) ? `${e.batteryLifeH.toFixed(1)} h (${(e.batteryLifeH / 24).toFixed(1)} days)` : "unlimited";
  lines.push(`Battery: ${e.batteryMah} mAh lasts about ${life} at this average.`);
  lines.push("SIM900 transmit bursts peak at 2 A (SIM900_HD Table 28): the supply must deliver them.");
  return lines.join("\n");
}

function mah(v: number): string {
  return `${v < 1 ? v.toFixed(3) : v.toFixed(1)} mAh`;
}

function ma(v: number): string {
  return `${v < 1 ? v.toFixed(2) : String(v)} mA`;
}

function hm(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.round(seconds / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
