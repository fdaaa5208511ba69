import { eachFix } from "../store/each-fix.ts";
import type { Store } from "../store/store.ts";
import type { TripOptions, TripStats } from "./trip.ts";
import { TripBuilder } from "./trip-builder.ts";

/**
 * Brings a device's stored trips up to date with its fixes. Writes mark the
 * earliest new fix time; the split is recomputed from the start of the trip
 * before it, in time order, so a late fix lands in the right trip.
 */
export function refreshTrips(store: Store, deviceId: number, options: Partial<TripOptions> = {}): void {
  const dirty = store.takeTripsDirty(deviceId);
  if (dirty === undefined) return;
  try {
    const fromMs = store.tripStartBefore(deviceId, dirty);
    const trips: TripStats[] = [];
    const builder = new TripBuilder((t) => trips.push(t), options);
    for (const f of eachFix(store, { deviceId, ...(fromMs !== undefined && { fromMs }) })) builder.add(f);
    builder.finish();
    store.replaceTrips(deviceId, fromMs ?? -Number.MAX_SAFE_INTEGER, trips);
  } catch (e) {
    store.markTripsDirty(deviceId, dirty);
    throw e;
  }
}
