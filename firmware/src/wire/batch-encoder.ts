import type { BatchHeader, WireFix } from "./batch.ts";
import { BatchWriter, MAX_FIX_BYTES } from "./batch-writer.ts";

/** Encodes a batch of fixes at once (docs/wire-format.md); the tracker adds them one by one to a BatchWriter. */
export function encodeBatch(header: BatchHeader, fixes: WireFix[]): Uint8Array {
  const w = new BatchWriter(fixes.length * MAX_FIX_BYTES);
  for (let k = 0; k < fixes.length; k++) w.add(fixes[k]!);
  return w.finish(header);
}
