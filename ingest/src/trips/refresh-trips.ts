import { eachFixPage } from "../store/each-fix.ts";
import type { Store } from "../store/store.ts";
import type { TripOptions, TripStats } from "./trip.ts";
import { TripBuilder } from "./trip-builder.ts";
import { tripOptions } from "./trip-settings.ts";

/** Pages of fixes (5,000 each) between turns of the event loop, so a long recomputation never stalls ingest. */
const PAGES_PER_TURN = 2;

/** Refreshes under way, per store and device: a second reader waits for the first. */
const running = new WeakMap<Store, Map<number, Promise<void>>>();

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
  if (under) return under;
  const done = refresh(store, deviceId, options).finally(() => perDevice.delete(deviceId));
  perDevice.set(deviceId, done);
  return done;
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
