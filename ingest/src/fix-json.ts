import type { StoredFix } from "./fix.ts";

/** A fix as the HTTP API shows it (devices list, live stream): times in epoch seconds and ISO 8601. */
export function fixToJson(f: StoredFix) {
  return {
    id: f.id,
    device: f.deviceId,
    time: f.time,
    iso: new Date(f.time * 1000).toISOString(),
    lat: f.lat,
    lon: f.lon,
    alt: f.alt,
    speed: f.speed,
    course: f.course,
    hdop: f.hdop,
    sats: f.sats,
    accuracy: f.accuracy,
    battery: f.battery,
    source: f.source,
  };
}

/** The fix of the HTTP API's JSON: the map's type (map-ui/src/api.ts) is this one. */
export type FixJson = ReturnType<typeof fixToJson>;

/** A fix as an RFC 7946 Point feature (longitude first). */
export function fixToFeature(f: StoredFix) {
  const { id, lat, lon, alt, ...properties } = fixToJson(f);
  return {
    type: "Feature" as const,
    id,
    geometry: { type: "Point" as const, coordinates: alt === null ? [lon, lat] : [lon, lat, alt] },
    properties,
  };
}

/** A fix as the GeoJSON of `/api/v1/devices/ID/fixes`. */
export type FixFeature = ReturnType<typeof fixToFeature>;

/** A fix as a Server-Sent Events `fix` event with this event id (JSON has no line breaks, so one `data:` line), its fields in hono's writeSSE order. */
export function fixEvent(id: string, f: StoredFix): string {
  return `event: fix\ndata: ${JSON.stringify(fixToJson(f))}\nid: ${id}\n\n`;
}
