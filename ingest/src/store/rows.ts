import type { FixSource, StoredFix } from "../fix.ts";
import type { Trip } from "../trips/trip.ts";
import type { Device, Share, TrackerSettings } from "./store.ts";

/** The rows of the store's tables, which have the same columns in SQLite and PostgreSQL, and what they become. */

/**
 * A fix row as an array in FIX_COLUMNS order: better-sqlite3 builds arrays
 * (raw mode) three times faster than objects keyed by column name, and pg too (rowMode "array").
 */
export type FixRow = [
  id: number, device_id: number, t_ms: number, lat: number, lon: number, alt: number | null, speed: number | null,
  course: number | null, hdop: number | null, sats: number | null, accuracy: number | null, battery: number | null,
  source: FixSource, received_at: number,
];
export const FIX_COLUMNS = "id, device_id, t_ms, lat, lon, alt, speed, course, hdop, sats, accuracy, battery, source, received_at";

export interface TripRow {
  id: number;
  device_id: number;
  start_ms: number;
  end_ms: number;
  fixes: number;
  distance_m: number;
  moving_s: number;
  moving_speed: number | null;
  max_speed: number | null;
  min_alt: number | null;
  max_alt: number | null;
  west: number;
  south: number;
  east: number;
  north: number;
}

export const toTrip = (r: TripRow): Trip => ({
  id: r.id,
  deviceId: r.device_id,
  fixes: r.fixes,
  start: r.start_ms / 1000,
  end: r.end_ms / 1000,
  distanceM: r.distance_m,
  durationS: (r.end_ms - r.start_ms) / 1000,
  movingS: r.moving_s,
  avgMovingSpeed: r.moving_speed,
  maxSpeed: r.max_speed,
  minAlt: r.min_alt,
  maxAlt: r.max_alt,
  bbox: [r.west, r.south, r.east, r.north],
});

export interface ShareRow {
  id: number;
  token_hash: Buffer;
  device_id: number;
  trip_id: number | null;
  trip_start_ms: number | null;
  delay_s: number;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export const toShare = (r: ShareRow): Share => ({
  id: r.id,
  deviceId: r.device_id,
  tripId: r.trip_id,
  tripStartMs: r.trip_start_ms,
  delayS: r.delay_s,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export interface DeviceRow {
  id: number;
  name: string;
  token_hash: Buffer;
  created_at: number;
  revoked_at: number | null;
  last_seen_at: number | null;
  tracker_settings: string | null;
  battery_volts: number | null;
}

export const toFix = (r: FixRow): StoredFix => ({
  id: r[0],
  deviceId: r[1],
  time: r[2] / 1000,
  lat: r[3],
  lon: r[4],
  alt: r[5],
  speed: r[6],
  course: r[7],
  hdop: r[8],
  sats: r[9],
  accuracy: r[10],
  battery: r[11],
  source: r[12],
  receivedAt: r[13],
});

export const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  lastSeenAt: r.last_seen_at,
  trackerSettings: r.tracker_settings === null ? null : (JSON.parse(r.tracker_settings) as TrackerSettings),
  batteryVolts: r.battery_volts,
});
