import { HttpError } from "../http-error.ts";
import type { Share, Store } from "../store/store.ts";
import { currentTrip } from "../trips/current-trip.ts";
import { refreshTrips } from "../trips/refresh-trips.ts";
import type { Trip, TripOptions } from "../trips/trip.ts";

export interface ShareRequest {
  tripId?: number;
  deviceId?: number;
  /** seconds until the link stops working; absent: never */
  expiresS?: number;
  /** seconds of the newest fixes to hide (privacy delay) */
  delayS?: number;
}

/** The longest expiry or delay, a hundred years: beyond some point the times are no dates at all (1e308 s made a 500). */
export const MAX_SHARE_S = 100 * 365.25 * 86_400;

/**
 * Makes a share link for one trip or for a device's position; checks what it
 * points at (a trip as the fixes stored now split, `tripOptions` over the database's thresholds).
 */
export async function createShare(store: Store, r: ShareRequest, now = Date.now(), tripOptions: Partial<TripOptions> = {}): Promise<{ share: Share; token: string }> {
  if ((r.tripId === undefined) === (r.deviceId === undefined)) {
    throw new HttpError(400, "bad share", "share either one trip or one device");
  }
  for (const [name, v] of [["expires", r.expiresS], ["delay", r.delayS]] as const) {
    if (v !== undefined && !(v >= 0 && v <= MAX_SHARE_S)) throw new HttpError(400, "bad share", `'${name}' must be a duration from 0 to 100 years`);
  }
  let deviceId = r.deviceId;
  let trip: Trip | undefined;
  if (r.tripId !== undefined) {
    trip = await currentTrip(store, r.tripId, tripOptions);
    if (!trip) throw new HttpError(404, "not found", `no trip ${r.tripId}`);
    deviceId = trip.deviceId;
  } else if (!await store.getDevice(deviceId!)) {
    throw new HttpError(404, "not found", `no device ${deviceId}`);
  }
  return await store.addShare({
    deviceId: deviceId!,
    tripId: trip?.id ?? null,
    tripStartMs: trip ? Math.round(trip.start * 1000) : null,
    delayS: Math.round(r.delayS ?? 0),
    expiresAt: r.expiresS === undefined ? null : now + Math.round(r.expiresS * 1000),
  });
}

/** The share behind a token: 404 when there is none, 410 when it was revoked or has expired. */
export async function openShare(store: Store, token: string, now = Date.now()): Promise<Share> {
  const share = await store.shareForToken(token);
  if (!share) throw new HttpError(404, "not found", "no such share link");
  if (share.revokedAt !== null) throw new HttpError(410, "gone", "this share link was revoked");
  if (share.expiresAt !== null && share.expiresAt <= now) throw new HttpError(410, "gone", "this share link has expired");
  // A revoked device is one its owner gave up (lost, sold): its links end with it.
  if ((await store.getDevice(share.deviceId))?.revokedAt != null) throw new HttpError(410, "gone", "this share link's device was revoked");
  return share;
}

/**
 * A trip share's trip as it is now. Late fixes can merge trips, which changes
 * ids, so when the trip id is gone the trip holding the shared start is used.
 */
export async function sharedTrip(store: Store, share: Share): Promise<Trip> {
  await refreshTrips(store, share.deviceId);
  const byId = await store.trip(share.tripId!);
  if (byId && byId.deviceId === share.deviceId) return byId;
  const at = share.tripStartMs! / 1000;
  const holding = (await store.trips(share.deviceId)).find((t) => t.start <= at && at <= t.end);
  if (!holding) throw new HttpError(410, "gone", "the shared trip no longer exists");
  return holding;
}

/** A device share shows this much of the past (the map's live view). */
export const DEVICE_WINDOW_MS = 24 * 3600 * 1000;

/** How far a trip share behind a delay of a minute or more moves on at a time. */
export const SHARE_STEP_MS = 10_000;

/**
 * The newest fix time (epoch ms) a share may show now. A trip share behind a
 * delay of a minute or more moves on in steps of SHARE_STEP_MS: every friend
 * asking within a step gets the same reply, made once (made afresh for every
 * new fix, four anonymous clients cost the trackers' uploads tens of ms).
 */
export function visibleUntilMs(share: Share, now = Date.now()): number {
  const until = now - share.delayS * 1000;
  return share.tripId !== null && share.delayS >= 60 ? Math.floor(until / SHARE_STEP_MS) * SHARE_STEP_MS : until;
}

export const shareToJson = (s: Share) => ({
  id: s.id,
  kind: s.tripId === null ? ("device" as const) : ("trip" as const),
  deviceId: s.deviceId,
  tripId: s.tripId,
  delayS: s.delayS,
  createdAt: new Date(s.createdAt).toISOString(),
  expiresAt: s.expiresAt === null ? null : new Date(s.expiresAt).toISOString(),
  revoked: s.revokedAt !== null,
});

/** Where the map opens a share. */
export const shareUrl = (base: string, token: string) => `${base.replace(/\/+$/, "")}/s/${token}`;
