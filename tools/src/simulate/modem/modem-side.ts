import { parseAck } from "@kayaktrack/firmware/wire";
import { openPtyPair } from "../serial/pty-pair.ts";
import { scaledClock } from "../scaled-clock.ts";
import { sim900OnSerialPort } from "./sim900-on-serial-port.ts";
import type { Sim900Emulator } from "./sim900-emulator.ts";
import type { ModemSide } from "../simulation.ts";

export interface Sim900ModemSideOptions {
  seed: number;
  /** simulated seconds per real second, as the firmware runner's clock */
  speedup: number;
  /** share 0–1 of AT commands that fail (--modem-errors) */
  errorRate?: number;
  onError?: (error: Error) => void;
}

/**
 * The simulation's modem: the SIM900 emulator on one end of a new
 * pseudo-terminal pair, the other end (`port`) for the firmware. The firmware
 * runs in another process and its PWRKEY pin is no serial byte: it prints its
 * presses, and the simulation hands them to powerKey().
 */
export async function sim900ModemSide(o: Sim900ModemSideOptions): Promise<ModemSide & { emulator: Sim900Emulator }> {
  const pty = await openPtyPair();
  // A server outage as the modem meets it: the connection refused, which the module reports as 601.
  let reachable = true;
  let refused = 0;
  // Fixes of the batches the server holds, from its acknowledgements, each batch (by seq) once:
  // stored, though the answer may yet be lost on its way back to the card.
  const acknowledged = new Set<number>();
  let uploaded = 0;
  const serverFetch: typeof fetch = async (input, init) => {
    if (!reachable) {
      refused++;
      const cause = Object.assign(new Error("connect ECONNREFUSED (a simulated server outage)"), { code: "ECONNREFUSED" });
      throw new TypeError("fetch failed", { cause });
    }
    const res = await fetch(input, init);
    const ack = res.ok ? parseAck(await res.clone().text()) : undefined;
    if (ack && !acknowledged.has(ack.seq)) {
      acknowledged.add(ack.seq);
      uploaded += ack.stored + ack.duplicates;
    }
    return res;
  };
  let side;
  try {
    side = await sim900OnSerialPort(pty.paths[0], {
      clock: scaledClock(o.speedup),
      fetch: serverFetch,
      seed: o.seed,
      faults: { errorRate: o.errorRate ?? 0 },
      ...(o.onError && { onError: o.onError }),
    });
  } catch (e) {
    await pty.close();
    throw e;
  }
  const emulator = side.emulator;
  let closing: Promise<void> | undefined;
  return {
    port: pty.paths[1],
    emulator,
    state: () => emulator.state,
    bytesOnAir: () => {
      const c = emulator.counters;
      return c.airBytesSent + c.airBytesReceived;
    },
    usage: () => {
      const c = emulator.counters;
      return { onS: c.poweredOnMs / 1000, transmitS: c.transmitMs / 1000, sleepS: c.sleepMs / 1000, requests: c.httpPosts, refused, faults: c.faults, noSignal: c.noSignal };
    },
    uploaded: () => uploaded,
    setCoverage: (on) => emulator.setCoverage(on),
    setServerReachable: (on) => {
      reachable = on;
    },
    powerKey: (pressed) => emulator.powerKey(pressed),
    close() {
      closing ??= side.close().then(() => pty.close());
      return closing;
    },
  };
}
