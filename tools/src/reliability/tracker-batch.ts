import { BATCH_MEDIA_TYPE, encodeBatch, parseAck, type WireFix } from "@kayaktrack/firmware/wire";

/** A batch as a tracker sends it: the body, its content type and the identities (device time in ms) of its fixes. */
export interface TrackerBatch {
  device: number;
  seq: number;
  type: string;
  body: Uint8Array;
  timesMs: number[];
}

/** What a server acknowledged for a batch. */
export interface BatchAck {
  seq: number;
  stored: number;
  duplicates: number;
  rejected: number;
}

/**
 * `count` fixes one second apart from `start` (epoch seconds), a paddle along a
 * line. Whole seconds and 1e-5 degrees survive the wire's resolution exactly,
 * so a fix has the same identity whichever form carried it.
 */
export function paddle(start: number, count: number): WireFix[] {
  const fixes: WireFix[] = [];
  for (let k = 0; k < count; k++) {
    const t = start + k;
    fixes.push({ time: t, lat: 60 + (t % 100_000) / 1e5, lon: 10 + (t % 70_000) / 1e5, alt: 2, speed: 1.5, course: 90, hdop: 0.9, sats: 8 });
  }
  return fixes;
}

/** The batch in the firmware's compact form or as JSON; the same fixes either way. */
export function trackerBatch(device: number, seq: number, fixes: WireFix[], form: "json" | "binary"): TrackerBatch {
  const timesMs = fixes.map((f) => Math.round(f.time * 1000));
  if (form === "binary") {
    return { device, seq, type: BATCH_MEDIA_TYPE, body: encodeBatch({ device, seq, batteryVolts: 4.02, counters: [] }, fixes), timesMs };
  }
  const body = new TextEncoder().encode(JSON.stringify({ device, seq, fixes, battery: 80 }));
  return { device, seq, type: "application/json", body, timesMs };
}

/** The acknowledgement of `seq` in a 2xx reply (JSON or the compact `A seq …` line), or undefined when it is none. */
export function readAck(type: string, text: string, seq: number): BatchAck | undefined {
  let ack: BatchAck | undefined;
  if (type === BATCH_MEDIA_TYPE) ack = parseAck(text);
  else {
    try {
      ack = JSON.parse(text) as BatchAck;
    } catch {
      return undefined;
    }
  }
  return ack && ack.seq === seq && typeof ack.stored === "number" ? ack : undefined;
}

/**
 * Posts a batch as the firmware does. Resolves with the ack, or with the status
 * of a reply that is not one; rejects when the connection fails (refused, cut).
 */
export async function postBatch(server: string, token: string, batch: TrackerBatch, timeoutMs = 10_000): Promise<{ status: number; ack?: BatchAck }> {
  const res = await fetch(`${server}/api/v1/batches`, {
    method: "POST",
    headers: { "Content-Type": batch.type, Authorization: `Bearer ${token}` },
    body: batch.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const ack = res.ok ? readAck(batch.type, text, batch.seq) : undefined;
  return ack ? { status: res.status, ack } : { status: res.status };
}
