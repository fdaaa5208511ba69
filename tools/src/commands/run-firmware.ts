import { readFileSync } from "node:fs";
import { batchesUrl, checkConfig } from "@kayaktrack/firmware/config";
import { HttpUplink } from "@kayaktrack/firmware/http-uplink";
import { lineButton, nodeHardware } from "@kayaktrack/firmware/node-hardware";
import { boot, type RunningTracker } from "@kayaktrack/firmware/boot";
import { recordGps } from "../simulate/gps/gps-record.ts";
import { powerKeyLine } from "@kayaktrack/firmware/power-key-line";

export interface RunFirmwareOptions {
  config: string;
  gps: string;
  modem?: string;
  uplink?: string;
  card: string;
  speedup?: string;
  status?: boolean;
  recordGps?: string;
}

/** What `--status` prints once a (real) second, one JSON object a line: the simulator's progress line reads it. */
export function trackerStatus(t: RunningTracker) {
  const c = t.keeper.counters();
  const d = t.keeper.reader.decoder;
  return {
    // every sentence the parser framed, decoded or not: what the board's CPU time is estimated from
    sentences: d.parsed + d.badChecksum + d.unknown + d.malformed,
    badChecksum: c[0],
    seen: c[2],
    kept: c[3],
    poor: c[4],
    upload: t.uploader.state,
    modem: t.modem ? t.modem.state : "http",
    batches: t.uploader.batches,
    uploaded: t.uploader.fixes,
    failures: t.uploader.failures,
    bytesSent: t.uploader.bytesSent,
    pending: t.journal.hasPending(),
    torn: t.journal.torn,
    setAside: t.journal.setAside,
    lastError: t.uploader.lastError?.message ?? null,
    deepSleepS: t.deepSleepS(),
  };
}

/**
 * `kayaktrack run-firmware`: the tracker's firmware on this laptop, with the
 * Node hardware layer: the GPS and the SIM900 on serial devices (real ones
 * on USB adapters, or pseudo-terminals from the simulator), the SD card a
 * directory. `--uplink http` posts batches directly instead of through a modem.
 */
export async function runFirmware(o: RunFirmwareOptions): Promise<void> {
  let baked: unknown;
  try {
    baked = JSON.parse(readFileSync(o.config, "utf8"));
  } catch (e) {
    process.stderr.write(`kayaktrack: cannot read the tracker config ${o.config}: ${(e as Error).message}\n`);
    process.exit(2);
  }
  if (o.uplink !== undefined && o.uplink !== "http") throw new Error(`--uplink ${o.uplink}: only 'http' (or a --modem port)`);
  if (!o.modem && o.uplink !== "http") throw new Error("give --modem PORT (a SIM900 or its emulator) or --uplink http");
  const speedup = o.speedup === undefined ? 1 : Number(o.speedup);
  if (!(speedup >= 1 && speedup <= 10_000)) throw new Error(`--speedup ${o.speedup}: a number from 1 to 10000`);
  const log = (m: string) => process.stderr.write(m + "\n");
  // With --status the modem's PWRKEY presses are printed: the simulator passes them to its SIM900 emulator.
  const powerKey = o.status ? { write: (on: boolean) => process.stdout.write(powerKeyLine(on) + "\n") } : undefined;
  // With --status the SOS button is pressed by lines on standard input (firmware/src/hal/button-line.ts).
  const button = o.status ? lineButton(process.stdin) : undefined;
  const hw = nodeHardware({ gps: o.gps, ...(o.modem ? { modem: o.modem } : {}), card: o.card, speedup, log, ...(powerKey ? { powerKey } : {}), ...(button ? { button } : {}) });
  await hw.gps.opened();
  if (o.modem) await hw.modem.opened();
  const { config } = checkConfig([baked]);
  // Right before the tracker reads the clock for its start date, with no await between.
  if (o.recordGps) recordGps(hw.gps, o.recordGps, hw.clock.now(), log);
  const running = boot(hw, { baked, uplink: o.uplink === "http" ? new HttpUplink({ url: batchesUrl(config), token: config.token }) : undefined });
  if (!running) {
    hw.gps.close();
    hw.modem.close();
    process.exit(2);
  }
  const timer = o.status ? setInterval(() => process.stdout.write(JSON.stringify(trackerStatus(running)) + "\n"), 1000) : undefined;
  await new Promise<void>((resolve) => {
    const stop = () => {
      if (timer) clearInterval(timer);
      running.stop(); // its GPS and modem drivers close their ports
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
