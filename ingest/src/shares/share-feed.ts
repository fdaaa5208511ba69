import type { StoredFix } from "../fix.ts";
import { fixEvent } from "../fix-json.ts";
import { HttpError } from "../http-error.ts";
import type { LiveHub } from "../live-hub.ts";
import type { Share, Store } from "../store/store.ts";
import { openShare, visibleUntilMs } from "./share-links.ts";

/** Fixes read at a time. */
const PAGE = 1000;

/** A fix released to a share's streams: its time (epoch ms, the event id) and its SSE event. */
export type FeedEvent = [ms: number, sse: string];

/** A fix as a share stream sends it: its time in ms is the event id (the share's cursor). */
function feedEvent(f: StoredFix): FeedEvent {
  const ms = Math.round(f.time * 1000);
  return [ms, fixEvent(String(ms), f)];
}

/** What a stream on a feed is told. */
export interface FeedListener {
  /** fixes the share now shows, in time order */
  events(events: FeedEvent[]): void;
  /** the share was revoked or expired, or its device revoked (the stream ends with this error), or the server is shutting down (none) */
  ended(error?: HttpError): void;
}

/**
 * The source of one share link's live streams. However many friends watch a
 * link, what it may show is read from the database and serialised once per
 * change (issue 22: each stream read and serialised it itself on every
 * commit, and 1,000 streams made an upload take 3.6 s). It wakes when its
 * device commits, when the next hidden fix comes out of the privacy delay,
 * and at least every `recheckMs` to notice a revoked or expired link.
 */
export class ShareFeed {
  /** the newest fix time (epoch ms) released to the listeners */
  cursor: number;
  private readonly listeners = new Set<FeedListener>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  /** a poll is running; `again`: another was asked for meanwhile */
  private polling = false;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly hub: LiveHub,
    private readonly token: string,
    readonly share: Share,
    /** the newest fix time (epoch ms) the share shows at the start, or the start of the device window */
    cursor: number,
    private readonly recheckMs: number,
    /** when the last listener leaves, or the feed ends */
    private readonly onIdle: () => void,
  ) {
    this.cursor = cursor;
  }

  get size(): number {
    return this.listeners.size;
  }

  /** Adds a listener; it hears what is released after `cursor` (what came before, it reads with readBetween). */
  join(listener: FeedListener): () => void {
    this.listeners.add(listener);
    if (!this.unsubscribe) {
      // The hub only says that something arrived; what may be shown is read from the database.
      this.unsubscribe = this.hub.subscribe(this.share.deviceId, () => void this.poll(), () => this.end());
      void this.poll();
    }
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.close();
    };
  }

  /** The share's fixes after `afterMs` up to `toMs`, at most a page: for a stream that starts further back than the cursor. */
  async readBetween(afterMs: number, toMs: number): Promise<FeedEvent[]> {
    if (afterMs >= toMs) return [];
    return (await this.store.fixes({ deviceId: this.share.deviceId, afterMs, to: toMs / 1000, limit: PAGE })).map(feedEvent);
  }

  /** Releases what the share shows now to every listener, and sleeps until the next fix comes out of the delay. */
  async poll(): Promise<void> {
    // One poll at a time, or two would release the same fixes twice.
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = true;
    try {
      do {
        this.again = false;
        clearTimeout(this.timer);
        if (this.listeners.size === 0) return;
        await this.release();
      } while (this.again);
    } catch (e) {
      if (e instanceof HttpError) this.end(e);
      else if (this.listeners.size > 0) {
        // The database did not answer: look again later; the streams stay open.
        this.timer = setTimeout(() => void this.poll(), this.recheckMs);
        this.timer.unref();
      }
    } finally {
      this.polling = false;
    }
  }

  private async release(): Promise<void> {
    const until = visibleUntilMs(await openShare(this.store, this.token));
    const { deviceId, delayS } = this.share;
    for (;;) {
      const page = await this.store.fixes({ deviceId, afterMs: this.cursor, to: until / 1000, limit: PAGE });
      if (page.length === 0) break;
      const events = page.map(feedEvent);
      this.cursor = events.at(-1)![0];
      for (const l of this.listeners) l.events(events);
      if (page.length < PAGE) break;
    }
    const hidden = (await this.store.fixes({ deviceId, afterMs: this.cursor, limit: 1 }))[0];
    const releaseIn = hidden ? hidden.time * 1000 + delayS * 1000 - Date.now() + 1 : Infinity;
    const expiresIn = this.share.expiresAt === null ? Infinity : this.share.expiresAt - Date.now() + 1;
    this.timer = setTimeout(() => void this.poll(), Math.max(0, Math.min(releaseIn, expiresIn, this.recheckMs)));
    this.timer.unref();
  }

  /** Ends every listener's stream (with `error`, or without on shutdown) and the feed. */
  private end(error?: HttpError): void {
    const listeners = [...this.listeners];
    this.close();
    for (const l of listeners) l.ended(error);
  }

  /** Stops listening to the hub; safe to call twice. */
  close(): void {
    clearTimeout(this.timer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.listeners.clear();
    this.onIdle();
  }
}
