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
 * client that falls behind, so a slow client never slows ingest.
 */
export class LiveHub {
  private readonly subs = new Set<Subscription>();

  get size(): number {
    return this.subs.size;
  }

  /** Listens for fixes of one device (or all); returns the unsubscribe function. */
  subscribe(deviceId: number | undefined, listener: LiveListener, onClose: () => void = () => {}): () => void {
    const sub: Subscription = { deviceId, listener, onClose };
    this.subs.add(sub);
    return () => {
      this.subs.delete(sub);
    };
  }

  publish(fixes: StoredFix[]): void {
    if (fixes.length === 0) return;
    for (const sub of this.subs) {
      const mine = sub.deviceId === undefined ? fixes : fixes.filter((f) => f.deviceId === sub.deviceId);
      if (mine.length > 0) sub.listener(mine);
    }
  }

  /** Ends every subscription (on shutdown). */
  closeAll(): void {
    for (const sub of [...this.subs]) {
      this.subs.delete(sub);
      sub.onClose();
    }
  }
}
