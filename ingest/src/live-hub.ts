import type { StoredFix } from "./fix.ts";
import { fixEvent } from "./fix-json.ts";

/** Fixes of one commit as a listener hears them: the fixes, and their SSE events made once however many streams send them. */
export class LiveBatch {
  private text: string | undefined;
  constructor(readonly fixes: StoredFix[]) {}

  /** every fix as a `fix` event with its id as the event id, one string */
  get sse(): string {
    return (this.text ??= this.fixes.map((f) => fixEvent(String(f.id), f)).join(""));
  }
}

export type LiveListener = (batch: LiveBatch) => void;

interface Subscription {
  deviceId: number | undefined;
  listener: LiveListener;
  onClose: () => void;
}

/**
 * Fans newly committed fixes out to live subscribers. Publishing only calls
 * each listener, which must not block: the SSE route queues and drops a
 * client that falls behind, so a slow client never slows ingest. Subscribers
 * are kept by device, so a commit costs its own fixes plus the listeners of
 * its devices, however many streams watch other devices; each device's fixes
 * are serialised once (LiveBatch), not once a listener.
 */
export class LiveHub {
  /** by device id; `undefined` holds those that listen to every device */
  private readonly subs = new Map<number | undefined, Set<Subscription>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Whether anyone listens for this device's fixes (or for every device's). */
  hears(deviceId: number): boolean {
    return this.subs.has(deviceId) || this.subs.has(undefined);
  }

  /** Listens for fixes of one device (or all); returns the unsubscribe function (safe to call twice). */
  subscribe(deviceId: number | undefined, listener: LiveListener, onClose: () => void = () => {}): () => void {
    const sub: Subscription = { deviceId, listener, onClose };
    let set = this.subs.get(deviceId);
    if (!set) this.subs.set(deviceId, (set = new Set()));
    set.add(sub);
    this.count++;
    return () => this.remove(sub);
  }

  publish(fixes: StoredFix[]): void {
    if (fixes.length === 0 || this.count === 0) return;
    const everyone = this.subs.get(undefined);
    if (everyone) {
      const batch = new LiveBatch(fixes);
      for (const sub of everyone) sub.listener(batch);
    }
    // Each device's fixes, in the order committed, for the devices someone watches.
    const mine = new Map<number, StoredFix[]>();
    for (const f of fixes) {
      if (!this.subs.has(f.deviceId)) continue;
      const list = mine.get(f.deviceId);
      if (list) list.push(f);
      else mine.set(f.deviceId, [f]);
    }
    for (const [deviceId, list] of mine) {
      const batch = new LiveBatch(list);
      for (const sub of this.subs.get(deviceId) ?? []) sub.listener(batch);
    }
  }

  /** Ends every subscription (on shutdown). */
  closeAll(): void {
    for (const set of [...this.subs.values()]) {
      for (const sub of [...set]) {
        this.remove(sub);
        sub.onClose();
      }
    }
  }

  private remove(sub: Subscription): void {
    const set = this.subs.get(sub.deviceId);
    if (!set?.delete(sub)) return;
    this.count--;
    if (set.size === 0) this.subs.delete(sub.deviceId);
  }
}
