import type { ServiceDeps } from "./deps.ts";
import { sortFixes, type Fix } from "./fix.ts";
import { HttpError } from "./http-error.ts";

/** A tracker's seq at or above this is an SOS batch's own (firmware uploader.ts): the tracker's clock in tenths of a second above it. */
export const SOS_SEQ_BASE = 2 ** 52;

/** The fix with the greatest time among a report's sane ones (the shared sanity check: no future, no impossible place). */
export function lastFix(candidates: Array<Fix | "invalid">): Fix | undefined {
  let last: Fix | undefined;
  for (const f of sortFixes(candidates).fixes) if (!last || f.time > last.time) last = f;
  return last;
}

/**
 * When a report's SOS state was true: its last sane fix's time; for a tracker's batch of none, the
 * tracker's clock in its seq (the same GPS-set clock as its fixes, so a cancel is never ordered
 * before the SOS it ends); else its arrival.
 */
export function sosTime(fix: Fix | undefined, seq?: number): number {
  if (fix) return Math.round(fix.time * 1000);
  if (seq !== undefined && seq >= SOS_SEQ_BASE) return (seq - SOS_SEQ_BASE) * 100;
  return Date.now();
}

/** Registers a device's SOS state; 503 (send it again) when the database cannot take it. */
export async function reportSos(deps: ServiceDeps, deviceId: number, state: "on" | "cancelled", source: "tracker" | "osmand", atMs: number, fix: Fix | undefined): Promise<void> {
  try {
    await deps.alerts.sos(deviceId, state, source, fix ? { atMs, fix } : { atMs });
  } catch (e) {
    deps.log.error({ err: e, device: deviceId }, "cannot register an SOS");
    throw new HttpError(503, "storage unavailable", "the SOS was not registered; send it again", { "Retry-After": "5" });
  }
}
