import type { Store } from "../store/store.ts";
import { refreshTrips } from "./refresh-trips.ts";
import type { Trip, TripOptions } from "./trip.ts";

/**
 * A trip by id, up to date with its device's fixes; undefined when there is
 * none. An id not stored yet may be one that fixes written since the last
 * split will make (an import read by no one yet): then every device's trips
 * are brought up to date before giving up. Recomputing may merge the trip
 * into another, which also gives undefined.
 */
export async function currentTrip(store: Store, id: number, options: Partial<TripOptions> = {}): Promise<Trip | undefined> {
  const stored = await store.trip(id);
  if (stored) await refreshTrips(store, stored.deviceId, options);
  else for (const d of await store.listDevices()) await refreshTrips(store, d.id, options);
  return await store.trip(id);
}
