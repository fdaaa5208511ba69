import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { parseDeviceId } from "../auth.ts";
import type { StoredFix } from "../fix.ts";
import { fixToJson } from "../fix-json.ts";
import { HttpError } from "../http-error.ts";
import type { ServiceDeps } from "../service.ts";
import { LiveClient } from "./live-client.ts";

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
  return new Hono().get("/", (c) => {
    const deviceText = c.req.query("device");
    const deviceId = deviceText === undefined ? undefined : parseDeviceId(deviceText);
    if (deviceText !== undefined && (deviceId === undefined || !deps.store.getDevice(deviceId))) {
      throw new HttpError(404, "not found", "no such device");
    }
    const resumeText = c.req.header("last-event-id") ?? c.req.query("since");
    if (resumeText !== undefined && !/^\d{1,16}$/.test(resumeText)) {
      throw new HttpError(400, "bad request", "Last-Event-ID must be an event id from this stream");
    }
    return streamSSE(c, async (stream) => {
      const client = new LiveClient(c, stream, deps.limits.liveStallMs);
      const queue: StoredFix[] = [];
      let wake: (() => void) | undefined;
      let ended = false;
      const end = () => {
        ended = true;
        wake?.();
      };
      const unsubscribe = deps.hub.subscribe(
        deviceId,
        (fixes) => {
          if (queue.length + fixes.length > deps.limits.liveQueueMax) {
            end();
            client.drop(); // a write to it may be waiting for room in its socket
          }
          else for (const f of fixes) queue.push(f);
          wake?.();
        },
        end,
      );
      stream.onAbort(end);
      deps.metrics.liveClients.inc();
      try {
        let lastId = resumeText === undefined ? 0 : Number(resumeText);
        await client.send({ event: "hello", data: JSON.stringify({ device: deviceId ?? null }), retry: 2000 });
        if (resumeText !== undefined) {
          for (;;) {
            const page = deps.store.fixesAfterId(lastId, deviceId, BACKLOG_PAGE);
            for (const f of page) {
              if (ended) break;
              lastId = await send(client, f);
            }
            if (page.length < BACKLOG_PAGE || ended) break;
          }
        }
        while (!ended) {
          if (queue.length === 0) {
            const woken = await new Promise<boolean>((resolve) => {
              wake = () => resolve(true);
              setTimeout(() => resolve(false), deps.limits.heartbeatMs).unref();
            });
            wake = undefined;
            if (!woken && !ended) await client.comment("heartbeat");
            continue;
          }
          for (const f of queue.splice(0)) if (f.id > lastId && !ended) lastId = await send(client, f);
        }
      } finally {
        unsubscribe();
        deps.metrics.liveClients.dec();
      }
    });
  });
}

async function send(client: LiveClient, f: StoredFix): Promise<number> {
  await client.send({ event: "fix", id: String(f.id), data: JSON.stringify(fixToJson(f)) });
  return f.id;
}
