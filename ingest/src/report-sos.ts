import type { ServiceDeps } from "./deps.ts";
import type { Fix } from "./fix.ts";
import { HttpError } from "./http-error.ts";

/** The fix with the greatest time among a report's sane ones. */
export function lastFix(candidates: Array<Fix | "invalid">): Fix | undefined {
  let last: Fix | undefined;
  for (const f of candidates) if (f !== "invalid" && (!last || f.time > last.time)) last = f;
  return last;
}

/** Registers a device's SOS state; 503 (send it again) when the database cannot take it. */
export function reportSos(deps: ServiceDeps, deviceId: number, state: "on" | "cancelled", source: "tracker" | "osmand", fix: Fix | undefined): void {
  try {
    deps.alerts.sos(deviceId, state, source, fix ? { atMs: Math.round(fix.time * 1000), fix } : { atMs: Date.now() });
  } catch (e) {
    deps.log.error({ err: e, device: deviceId }, "cannot register an SOS");
    throw new HttpError(503, "storage unavailable", "the SOS was not registered; send it again", { "Retry-After": "5" });
  }
}
