import { eachFix, type FixRange } from "../store/each-fix.ts";
import type { Store } from "../store/store.ts";
import { displayTrack, type DisplayTrack } from "./display-track.ts";
import { simplifyTrack } from "./simplify-track.ts";

/** What the API shows of a trip on a map: the simplified line (GeoJSON) and the map's display track. */
export interface TripDisplay {
  line: { type: "LineString"; coordinates: Array<[number, number]> };
  track: DisplayTrack;
}

/** Trips whose display is kept, per store. */
export const DISPLAY_CACHE_SIZE = 16;

const caches = new WeakMap<Store, Map<string, TripDisplay>>();

/**
 * A trip's display at a zoom, made from its fixes in `range`. Reading a long
 * trip's fixes is most of the cost (about 0.2 s for 100,000), and many
 * friends open the same shared trip, so the last DISPLAY_CACHE_SIZE are kept.
 * `fixes` is the trip's fix count: any fix added inside the trip changes it
 * (and the range, or the zoom, is part of the key too), so a kept display is
 * never stale.
 */
export function tripDisplay(store: Store, range: Required<FixRange>, fixes: number, zoom: number): TripDisplay {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new Map()));
  const key = `${range.deviceId}:${range.fromMs}:${range.toMs}:${fixes}:${zoom}`;
  const kept = cache.get(key);
  if (kept) {
    cache.delete(key); // most recently used goes last
    cache.set(key, kept);
    return kept;
  }
  const all = [...eachFix(store, range)];
  const made: TripDisplay = { line: { type: "LineString", coordinates: simplifyTrack(all, zoom) }, track: displayTrack(all, zoom) };
  cache.set(key, made);
  if (cache.size > DISPLAY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return made;
}
