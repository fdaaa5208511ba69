import type { StoredFix } from "../fix.ts";
import type { BatchAck, WriteRequest, WriteResult } from "./store.ts";

/**
 * What one request's write did, in a form that passes cheaply between threads:
 * `ids[i]` is the new row id of the request's fix i, or 0 for a duplicate.
 */
export interface RowResult {
  ids: Float64Array;
  duplicates: number;
  replayed: boolean;
  ack?: BatchAck;
  /** epoch ms of the write */
  receivedAt: number;
}

/**
 * The WriteResult of a request from its RowResult. The stored fixes are built
 * when first read: with nobody watching live, most results are never asked for
 * them, and at 100,000 fixes/s building them anyway was much of the garbage.
 */
export function toWriteResult(req: WriteRequest, r: RowResult): WriteResult {
  let stored: StoredFix[] | undefined;
  return {
    get stored() {
      return (stored ??= storedFixes(req, r));
    },
    storedCount: r.replayed ? 0 : req.fixes.length - r.duplicates,
    duplicates: r.duplicates,
    replayed: r.replayed,
    ...(r.ack && { ack: r.ack }),
  };
}

function storedFixes(req: WriteRequest, r: RowResult): StoredFix[] {
  const stored: StoredFix[] = [];
  const { deviceId, source } = req;
  for (let i = 0; i < req.fixes.length; i++) {
    const id = r.ids[i]!;
    if (id === 0) continue;
    const f = req.fixes[i]!;
    // A literal, not a spread: this runs for every stored fix, and spreads are slow.
    stored.push({
      id, deviceId, time: Math.round(f.time * 1000) / 1000, lat: f.lat, lon: f.lon, alt: f.alt, speed: f.speed, course: f.course,
      hdop: f.hdop, sats: f.sats, accuracy: f.accuracy, battery: f.battery, source, receivedAt: r.receivedAt,
    });
  }
  return stored;
}
