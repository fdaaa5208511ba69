import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { parseDeviceId } from "../auth.ts";
import { fixEvent } from "../fix-json.ts";
import { HttpError } from "../http-error.ts";
import type { LiveBatch } from "../live-hub.ts";
import type { ServiceDeps } from "../deps.ts";
import { LiveClient, resumeFrom } from "./live-client.ts";

const BACKLOG_PAGE = 1000;

/**
 * `GET /api/v1/live[?device=ID]`: Server-Sent Events, one `fix` event per new
 * fix with the fix's id as event id. A client that reconnects with
 * `Last-Event-ID` (or `?since=ID`) first gets every fix stored after that id,
 * read from the database, then the live ones; none is missed or repeated.
 * Heartbeats are comment lines. A client that cannot keep up (too many fixes
 * queued for it, or one event unread too long) is disconnected (it resumes
 * from its last id), so it never holds up ingest or holds on to memory.
 */
export function liveRoute(deps: ServiceDeps) {
  // The admin's streams are capped too: each holds a connection and is written to on every commit.
  let open = 0;
  return new Hono().get("/", async (c) => {
    const deviceText = c.req.query("device");
    const deviceId = deviceText === undefined ? undefined : parseDeviceId(deviceText);
    if (deviceText !== undefined && (deviceId === undefined || !await deps.store.getDevice(deviceId))) {
      throw new HttpError(404, "not found", "no such device");
    }
    const resume = resumeFrom(c);
    if (open >= deps.limits.liveStreamsMax) {
      throw new HttpError(429, "too many live streams", `${deps.limits.liveStreamsMax} live streams are open already; close one or try again later`, { "Retry-After": "30", Connection: "close" });
    }
    return streamSSE(c, async (stream) => {
      open++; // before the first await: streamSSE runs this at once
      const client = new LiveClient(c, stream, { stallMs: deps.limits.liveStallMs, heartbeatMs: deps.limits.heartbeatMs });
      // Commits as the hub gave them: each already serialised once, for every stream.
      const queue: LiveBatch[] = [];
      let queued = 0;
      const unsubscribe = deps.hub.subscribe(
        deviceId,
        (batch) => {
          if (queued + batch.fixes.length > deps.limits.liveQueueMax) return client.drop(); // a write to it may be waiting for room in its socket
          queue.push(batch);
          queued += batch.fixes.length;
          client.wake();
        },
        () => client.end(),
      );
      deps.metrics.liveClients.inc();
      try {
        let lastId = resume ?? 0;
        await client.send({ event: "hello", data: JSON.stringify({ device: deviceId ?? null }), retry: 2000 });
        if (resume !== undefined) {
          for (;;) {
            const page = await deps.store.fixesAfterId(lastId, deviceId, BACKLOG_PAGE);
            if (page.length > 0 && !client.ended) {
              await client.write(page.map((f) => fixEvent(String(f.id), f)).join(""));
              lastId = page.at(-1)!.id;
            }
            if (page.length < BACKLOG_PAGE || client.ended) break;
          }
        }
        while (!client.ended) {
          const batch = queue.shift();
          if (!batch) {
            await client.sleep();
            continue;
          }
          queued -= batch.fixes.length;
          // A commit the backlog already sent (in part) is sent fix by fix; the rest as the hub made it.
          const fresh = batch.fixes[0]!.id > lastId ? batch.sse : batch.fixes.filter((f) => f.id > lastId).map((f) => fixEvent(String(f.id), f)).join("");
          if (fresh) await client.write(fresh);
          lastId = Math.max(lastId, batch.fixes.at(-1)!.id);
        }
      } finally {
        unsubscribe();
        deps.metrics.liveClients.dec();
        open--;
      }
    });
  });
}
