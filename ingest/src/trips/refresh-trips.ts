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

async function refresh(store: Store, deviceId: number, options: Partial<TripOptions>): Promise<void> {
  const dirty = store.takeTripsDirty(deviceId);
  if (dirty === undefined) return;
  try {
    const fromMs = store.tripStartBefore(deviceId, dirty);
    const trips: TripStats[] = [];
    const builder = new TripBuilder((t) => trips.push(t), { ...tripOptions(store), ...options });
    let pages = 0;
    for (const page of eachFixPage(store, { deviceId, ...(fromMs !== undefined && { fromMs }) })) {
      for (const f of page) builder.add(f);
      if (++pages % PAGES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    builder.finish();
    store.replaceTrips(deviceId, fromMs ?? -Number.MAX_SAFE_INTEGER, trips);
  } catch (e) {
    // Fixes written meanwhile marked it again; the earlier mark covers them too.
    store.markTripsDirty(deviceId, dirty);
    throw e;
  }
}
