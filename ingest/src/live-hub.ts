import type { StoredFix } from "./fix.ts";

export type LiveListener = (fixes: StoredFix[]) => void;

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
 * its devices, however many streams watch other devices.
 */
export class LiveHub {
  /** by device id; `undefined` holds those that listen to every device */
  private readonly subs = new Map<number | undefined, Set<Subscription>>();
  private count = 0;

  get size(): number {
    return this.count;
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
    for (const sub of this.subs.get(undefined) ?? []) sub.listener(fixes);
    // Each device's fixes, in the order committed, for the devices someone watches.
    const mine = new Map<number, StoredFix[]>();
    for (const f of fixes) {
      if (!this.subs.has(f.deviceId)) continue;
      const list = mine.get(f.deviceId);
      if (list) list.push(f);
      else mine.set(f.deviceId, [f]);
    }
    for (const [deviceId, list] of mine) for (const sub of this.subs.get(deviceId) ?? []) sub.listener(list);
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
