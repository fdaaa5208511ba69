import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { HttpError } from "../http-error.ts";
import type { ServiceDeps } from "../deps.ts";
import { LiveClient, resumeFrom } from "./live-client.ts";
import { ShareFeed, type FeedEvent, type FeedListener } from "../shares/share-feed.ts";
import { DEVICE_WINDOW_MS, openShare, visibleUntilMs } from "../shares/share-links.ts";

// The connection closes with the refusal: a client refused a stream should not hold one of the
// connections its address may open (KAYAKTRACK_CONNECTIONS_PER_ADDRESS), which trackers there need.
const tooMany = (detail: string) => new HttpError(429, "too many live streams", `${detail}; try again later`, { "Retry-After": "30", Connection: "close" });

/**
 * `GET /api/v1/shares/:token/live[?since=MS]`: the live stream of a device
 * share, without any login. Events are `fix` events as on /api/v1/live, but a
 * fix is sent only once it is older than the share's privacy delay, and the
 * event id is the fix time in epoch ms (the share's cursor, as `after` of
 * /fixes), so `Last-Event-ID` or `?since=` resumes after it. Without either,
 * the stream starts after the newest fix the share shows now. The stream ends
 * when the share is revoked or expires. The streams of one link share one
 * ShareFeed, which reads and serialises each fix once for all of them.
 */
export function shareLiveRoute(deps: ServiceDeps) {
  // Share streams need no login, so their number is capped, in all, per link and per device: past
  // a cap a new one gets 429, and the admin's own streams never compete for room.
  let open = 0;
  const onDevice = new Map<number, number>();
  /** by share id */
  const feeds = new Map<number, ShareFeed>();

  return new Hono().get("/:token/live", async (c) => {
    const token = c.req.param("token");
    const share = await openShare(deps.store, token);
    if (share.tripId !== null) throw new HttpError(404, "not found", "only a device share has a live stream");
    const resume = resumeFrom(c);
    const { deviceId, delayS } = share;
    const newest = await deps.store.latestBefore(deviceId, visibleUntilMs(share));
    // The caps are checked after the last await, so that no stream counted meanwhile slips past them.
    const l = deps.limits;
    if (open >= l.shareStreamsMax) throw tooMany(`this server holds ${l.shareStreamsMax} share-link streams already`);
    if ((feeds.get(share.id)?.size ?? 0) >= l.shareStreamsPerLink) throw tooMany(`this share link has ${l.shareStreamsPerLink} live streams open already`);
    if ((onDevice.get(deviceId) ?? 0) >= l.shareStreamsPerDevice) throw tooMany(`this device's share links have ${l.shareStreamsPerDevice} live streams open already`);
    let lastMs = Math.max(
      resume ?? (newest ? Math.round(newest.time * 1000) : 0),
      Date.now() - DEVICE_WINDOW_MS,
    );

    return streamSSE(c, async (stream) => {
      // Counted before the first await: streamSSE runs this at once.
      open++;
      onDevice.set(deviceId, (onDevice.get(deviceId) ?? 0) + 1);
      let feed = feeds.get(share.id);
      if (!feed) {
        const start = Math.max(newest ? Math.round(newest.time * 1000) : 0, Date.now() - DEVICE_WINDOW_MS);
        const made = new ShareFeed(deps.store, deps.hub, token, share, start, l.heartbeatMs, () => feeds.get(share.id) === made && feeds.delete(share.id));
        feeds.set(share.id, (feed = made));
      }
      const client = new LiveClient(c, stream, { stallMs: l.liveStallMs, heartbeatMs: l.heartbeatMs });
      const queue: FeedEvent[] = [];
      let endedWith: HttpError | undefined;
      const listener: FeedListener = {
        events(events) {
          if (queue.length + events.length > l.liveQueueMax) return client.drop(); // a write to it may be waiting for room in its socket
          queue.push(...events);
          client.wake();
        },
        ended(error) {
          endedWith = error;
          client.end();
        },
      };
      const from = feed.cursor;
      const leave = feed.join(listener);
      deps.metrics.liveClients.inc();
      try {
        await client.send({ event: "hello", data: JSON.stringify({ device: deviceId, delayS }), retry: 2000 });
        // From further back than the feed (a resume): read it, a page at a time; the feed's events wait in the queue.
        for (let page: FeedEvent[]; !client.ended && (page = await feed.readBetween(lastMs, from)).length > 0; ) {
          await client.write(page.map((e) => e[1]).join(""));
          lastMs = page.at(-1)![0];
        }
        while (!client.ended) {
          const fresh = queue.splice(0).filter(([ms]) => ms > lastMs);
          if (fresh.length === 0) {
            await client.sleep();
            continue;
          }
          await client.write(fresh.map((e) => e[1]).join(""));
          lastMs = fresh.at(-1)![0];
        }
        if (endedWith) await client.send({ event: "end", data: JSON.stringify({ error: endedWith.error, detail: endedWith.detail }) });
      } finally {
        leave();
        deps.metrics.liveClients.dec();
        open--;
        const left = (onDevice.get(deviceId) ?? 1) - 1;
        if (left) onDevice.set(deviceId, left);
        else onDevice.delete(deviceId);
      }
    });
  });
}
