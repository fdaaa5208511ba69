import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { fixToJson } from "../fix-json.ts";
import { HttpError } from "../http-error.ts";
import type { ServiceDeps } from "../service.ts";
import { LiveClient } from "./live-client.ts";
import { openShare, visibleUntilMs } from "../shares/share-links.ts";
import { DEVICE_WINDOW_MS } from "./shares.ts";

const PAGE = 1000;

/**
 * `GET /api/v1/shares/:token/live[?since=MS]`: the live stream of a device
 * share, without any login. Events are `fix` events as on /api/v1/live, but a
 * fix is sent only once it is older than the share's privacy delay, and the
 * event id is the fix time in epoch ms (the share's cursor, as `after` of
 * /fixes), so `Last-Event-ID` or `?since=` resumes after it. Without either,
 * the stream starts after the newest fix the share shows now. The stream ends
 * when the share is revoked or expires.
 */
export function shareLiveRoute(deps: ServiceDeps) {
  // Share streams need no login, so their number is capped: past it a new one gets 429, and the admin's own streams never compete for room.
  let open = 0;
  /** streams open on each share, by share id */
  const onLink = new Map<number, number>();
  return new Hono().get("/:token/live", (c) => {
    const token = c.req.param("token");
    const share = openShare(deps.store, token);
    if (share.tripId !== null) throw new HttpError(404, "not found", "only a device share has a live stream");
    const resumeText = c.req.header("last-event-id") ?? c.req.query("since");
    if (resumeText !== undefined && !/^\d{1,16}$/.test(resumeText)) {
      throw new HttpError(400, "bad request", "Last-Event-ID must be an event id from this stream");
    }
    const { deviceId, delayS } = share;
    const newest = deps.store.latestBefore(deviceId, visibleUntilMs(share));
    let lastMs = Math.max(
      resumeText === undefined ? (newest ? Math.round(newest.time * 1000) : 0) : Number(resumeText),
      Date.now() - DEVICE_WINDOW_MS,
    );

    if (open >= deps.limits.shareStreamsMax) {
      throw new HttpError(429, "too many live streams", `this server holds ${deps.limits.shareStreamsMax} share-link streams already; try again later`, { "Retry-After": "30" });
    }
    const linkId = share.id;
    if ((onLink.get(linkId) ?? 0) >= deps.limits.shareStreamsPerLink) {
      throw new HttpError(429, "too many live streams", `this share link has ${deps.limits.shareStreamsPerLink} live streams open already; try again later`, { "Retry-After": "30" });
    }
    return streamSSE(c, async (stream) => {
      open++; // before the first await: streamSSE runs this at once
      onLink.set(linkId, (onLink.get(linkId) ?? 0) + 1);
      const client = new LiveClient(c, stream, deps.limits.liveStallMs);
      let wake: (() => void) | undefined;
      let ended = false;
      let beatAt = Date.now() + deps.limits.heartbeatMs;
      const end = () => {
        ended = true;
        wake?.();
      };
      // The hub only says that something arrived; what may be shown is read from the database.
      const unsubscribe = deps.hub.subscribe(deviceId, () => wake?.(), end);
      stream.onAbort(end);
      deps.metrics.liveClients.inc();
      try {
        await client.send({ event: "hello", data: JSON.stringify({ device: deviceId, delayS }), retry: 2000 });
        while (!ended) {
          let until: number;
          try {
            until = visibleUntilMs(openShare(deps.store, token));
          } catch (e) {
            if (!(e instanceof HttpError)) throw e;
            await client.send({ event: "end", data: JSON.stringify({ error: e.error, detail: e.detail }) });
            break;
          }
          const page = deps.store.fixes({ deviceId, afterMs: lastMs, to: until / 1000, limit: PAGE });
          for (const f of page) {
            if (ended) break;
            lastMs = Math.round(f.time * 1000);
            await client.send({ event: "fix", id: String(lastMs), data: JSON.stringify(fixToJson(f)) });
          }
          if (page.length === PAGE) continue;
          // Sleep until something arrives, the next hidden fix comes out of the delay, or a heartbeat is due.
          const hidden = deps.store.fixes({ deviceId, afterMs: lastMs, limit: 1 })[0];
          const releaseIn = hidden ? hidden.time * 1000 + delayS * 1000 - Date.now() + 1 : Infinity;
          const waitMs = Math.max(0, Math.min(beatAt - Date.now(), releaseIn));
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, waitMs);
            timer.unref();
            wake = () => (clearTimeout(timer), resolve());
          });
          wake = undefined;
          // Heartbeats keep their own beat: restarted by each upload, they would tell a viewer behind the delay when the device uploads.
          if (!ended && Date.now() >= beatAt) {
            await client.comment("heartbeat");
            beatAt = Math.max(beatAt + deps.limits.heartbeatMs, Date.now());
          }
        }
      } finally {
        unsubscribe();
        deps.metrics.liveClients.dec();
        open--;
        const left = (onLink.get(linkId) ?? 1) - 1;
        if (left) onLink.set(linkId, left);
        else onLink.delete(linkId);
      }
    });
  });
}
