import { eachFixPage, type FixRange } from "../store/each-fix.ts";
import type { Store } from "../store/store.ts";
import type { ExportFormat, ExportMeta } from "./export-format.ts";

/**
 * An export as a byte stream: each pull formats one page of fixes, so memory
 * stays flat however long the track, and a slow reader slows the reading.
 */
export function exportStream(store: Store, range: FixRange, format: ExportFormat, meta: ExportMeta): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks = exportChunks(store, range, format, meta);
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  }, { highWaterMark: 1 });
}

/** The export as text chunks, one per page of fixes. */
export async function* exportChunks(store: Store, range: FixRange, format: ExportFormat, meta: ExportMeta): AsyncGenerator<string> {
  if (format.few) {
    const first = await eachFixPage(store, range, 2).next();
    const fixes = first.done ? [] : first.value;
    if (fixes.length < 2) {
      yield format.few(fixes, meta);
      return;
    }
  }
  for (const part of format.parts(meta)) {
    if (typeof part === "string") {
      yield part;
      continue;
    }
    let i = 0;
    for await (const page of eachFixPage(store, range)) {
      let s = "";
      for (const f of page) s += part(f, i++);
      yield s;
    }
  }
}
