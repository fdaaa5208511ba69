import { sortFixes, type Fix, type FixSource } from "./fix.ts";
import { HttpError } from "./http-error.ts";
import type { ServiceDeps } from "./deps.ts";
import { BatchConflictError, type BatchReceipt, type WriteResult } from "./store/store.ts";

/** The most a tracker's battery may read: a 12 V boat battery charging is about 15 V. */
export const MAX_BATTERY_VOLTS = 60;

export interface Accepted extends WriteResult {
  rejected: number;
}


/** Throws 429 with Retry-After when a device uploads faster than its limit. */
export async function limitRate(deps: ServiceDeps, deviceId: number): Promise<void> {
  const wait = await deps.limiter.take(deviceId);
  if (wait > 0) {
    throw new HttpError(429, "too many requests", `device ${deviceId} is over its upload rate; retry later`, {
      "Retry-After": String(wait),
    });
  }
}

/**
 * The common path of every way in: sanity check, then a durable write through
 * group commit. Resolves only after the transaction has committed.
 */
export async function acceptFixes(
  deps: ServiceDeps,
  deviceId: number,
  source: FixSource,
  candidates: Array<Fix | "invalid">,
  batch?: Omit<BatchReceipt, "rejected">,
  batteryVolts: number | null = null,
): Promise<Accepted> {
  const { fixes, reasons, rejected } = sortFixes(candidates);
  // A board's battery, as its batch header reports it: a value no battery has is none (the varint is unbounded).
  if (batteryVolts !== null && !(batteryVolts >= 0 && batteryVolts <= MAX_BATTERY_VOLTS)) batteryVolts = null;
  let result: WriteResult;
  try {
    result = await deps.queue.submit({ deviceId, source, fixes, batteryVolts, ...(batch && { batch: { ...batch, rejected } }) });
  } catch (e) {
    if (e instanceof BatchConflictError) throw new HttpError(409, "batch conflict", e.message + "; send it with a new seq");
    deps.log.error({ err: e }, "write failed");
    throw new HttpError(503, "storage unavailable", "nothing of this request was stored; retry later", {
      "Retry-After": "5",
    });
  }
  // Rejects of a replayed batch were counted the first time.
  if (!result.replayed) deps.countRejects(reasons);
  deps.metrics.batches.inc({ source, outcome: result.replayed ? "replayed" : "stored" });
  // Not a spread: that would read `stored` and build the stored fixes.
  return Object.assign(result, { rejected });
}
