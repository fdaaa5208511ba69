import type { StoredFix } from "../fix.ts";
import type { Store } from "./store.ts";

export interface FixRange {
  deviceId: number;
  /** epoch ms, inclusive; absent: from the first fix */
  fromMs?: number;
  /** epoch ms, inclusive; absent: to the last fix */
  toMs?: number;
}

/**
 * A device's fixes in time order, read a page at a time so that a long track
 * never sits in memory at once (and no statement stays open between pages).
 */
export async function* eachFixPage(store: Store, range: FixRange, pageSize = 5000): AsyncGenerator<StoredFix[]> {
  let afterMs = range.fromMs === undefined ? undefined : range.fromMs - 1;
  for (;;) {
    const page = await store.fixes({
      deviceId: range.deviceId,
      ...(afterMs !== undefined && { afterMs }),
      ...(range.toMs !== undefined && { to: range.toMs / 1000 }),
      limit: pageSize,
    });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    afterMs = Math.round(page[page.length - 1]!.time * 1000);
  }
}

export async function* eachFix(store: Store, range: FixRange): AsyncGenerator<StoredFix> {
  for await (const page of eachFixPage(store, range)) yield* page;
}
