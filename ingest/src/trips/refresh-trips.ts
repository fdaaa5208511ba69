import { eachFixPage } from "../store/each-fix.ts";
import type { Store } from "../store/store.ts";
import type { TripOptions, TripStats } from "./trip.ts";
import { TripBuilder } from "./trip-builder.ts";
import { tripOptions } from "./trip-settings.ts";

/** Pages of fixes (5,000 each) between turns of the event loop, so a long recomputation never stalls ingest. */
const PAGES_PER_TURN = 2;

/** A device's refresh under way, and the one that follows it for readers who came meanwhile. */
interface Refreshing {
  current: Promise<void>;
  next?: Promise<void>;
}

/** Refreshes under way, per store and device. */
const running = new WeakMap<Store, Map<number, Refreshing>>();

/**
 * Brings a device's stored trips up to date with its fixes. Writes mark the
 * earliest new fix time; the split is recomputed from the start of the trip
 * before it, in time order, so a late fix lands in the right trip. The
 * thresholds are the database's (trip-settings.ts), `options` over them.
 */
export function refreshTrips(store: Store, deviceId: number, options: Partial<TripOptions> = {}): Promise<void> {
  let perDevice = running.get(store);
  if (!perDevice) running.set(store, (perDevice = new Map()));
  const under = perDevice.get(deviceId);
  if (under) {
    // Fixes written after it began may be missing from it: one more refresh follows, shared by every reader who came meanwhile.
    under.next ??= under.current.catch(() => undefined).then(() => refreshTrips(store, deviceId, options));
    return under.next;
  }
  const entry: Refreshing = { current: refresh(store, deviceId, options).finally(() => perDevice.delete(deviceId)) };
  perDevice.set(deviceId, entry);
  return entry.current;
}

/** A device's TripBuilder as its last refresh left it: when only later fixes came, the next refresh goes on from it. */
interface Kept {
  builder: TripBuilder;
  /** where emitted trips go */
  sink: TripStats[];
  /** the time of the last fix it was given, epoch ms */
  lastMs: number;
  /** the options it splits by */
  options: string;
}

const kept = new WeakMap<Store, Map<number, Kept>>();

async function refresh(store: Store, deviceId: number, options: Partial<TripOptions>): Promise<void> {
  const dirty = await store.takeTripsDirty(deviceId);
  if (dirty === undefined) return;
  let perDevice = kept.get(store);
  if (!perDevice) kept.set(store, (perDevice = new Map()));
  const merged = { ...(await tripOptions(store)), ...options };
  let k = perDevice.get(deviceId);
  perDevice.delete(deviceId); // put back once this refresh has finished
  try {
    // Trips from `fromMs` on are made again, from fixes read from `readFromMs`.
    let fromMs: number | undefined;
    let readFromMs: number | undefined;
    if (k && k.options === JSON.stringify(merged) && dirty > k.lastMs) {
      // Only fixes after the last one seen: go on from there (a trip in progress costs its new fixes, not its length).
      const open = k.builder.openSince();
      fromMs = open === undefined ? k.lastMs + 1 : Math.round(open * 1000);
      readFromMs = k.lastMs + 1;
    } else {
      // A fix among those seen: again from the start of the trip before it.
      fromMs = readFromMs = await store.tripStartBefore(deviceId, dirty);
      const sink: TripStats[] = [];
      const before = (readFromMs ?? -Number.MAX_SAFE_INTEGER) - 1;
      k = { builder: new TripBuilder((t) => sink.push(t), merged), sink, lastMs: before, options: JSON.stringify(merged) };
    }
    k.sink.length = 0;
    let pages = 0;
    for await (const page of eachFixPage(store, { deviceId, ...(readFromMs !== undefined && { fromMs: readFromMs }) })) {
      for (const f of page) k.builder.add(f);
      k.lastMs = Math.round(page.at(-1)!.time * 1000);
      if (++pages % PAGES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const pending = k.builder.pending();
    await store.replaceTrips(deviceId, fromMs ?? -Number.MAX_SAFE_INTEGER, pending ? [...k.sink, pending] : k.sink);
    perDevice.set(deviceId, k);
  } catch (e) {
    // Fixes written meanwhile marked it again; the earlier mark covers them too.
    await store.markTripsDirty(deviceId, dirty);
    throw e;
  }
}
