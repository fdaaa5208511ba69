import { Hono } from "hono";
import { parseDeviceId } from "../auth.ts";
import { parseDuration } from "../duration.ts";
import { exportStream } from "../export/export-stream.ts";
import { exportFormats } from "../export/formats.ts";
import { fixToJson } from "../fix-json.ts";
import { HttpError } from "../http-error.ts";
import { parseJsonObject, readText, requireMediaType } from "../request-body.ts";
import type { ServiceDeps } from "../deps.ts";
import { shareBaseUrl } from "../shares/share-base-url.ts";
import { createShare, DEVICE_WINDOW_MS, openShare, sharedTrip, shareToJson, shareUrl, visibleUntilMs } from "../shares/share-links.ts";
import type { FixRange } from "../store/each-fix.ts";
import type { Share } from "../store/store.ts";
import { tripView } from "../trips/trip-view.ts";
import { parseZoom, zoomToFit } from "../trips/simplify-track.ts";
import { tripToJson } from "../trips/trip-json.ts";

const formatDelay = (s: number) => (s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`);


function durationField(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  const s = typeof v === "number" ? v : typeof v === "string" ? parseDuration(v) : undefined;
  if (s === undefined) throw new HttpError(400, "bad share", `'${name}' must be seconds or a duration like "15m", "2h", "7d"`);
  return s;
}

/** `/api/v1/admin/shares`: create (the token is shown once), list and revoke share links. */
export function shareAdminRoute(deps: ServiceDeps) {
  return new Hono()
    .post("/", async (c) => {
      requireMediaType(c, "application/json");
      const body = parseJsonObject(await readText(c, deps.limits.maxBodyBytes));
      const id = (name: "trip" | "device") => {
        if (body[name] === undefined) return undefined;
        const n = parseDeviceId(body[name]);
        if (n === undefined) throw new HttpError(400, "bad share", `'${name}' must be an id`);
        return n;
      };
      const tripId = id("trip");
      const deviceId = id("device");
      const expiresS = durationField(body, "expires");
      const delayS = durationField(body, "delay");
      const request = {
        ...(tripId !== undefined && { tripId }),
        ...(deviceId !== undefined && { deviceId }),
        ...(expiresS !== undefined && { expiresS }),
        ...(delayS !== undefined && { delayS }),
      };
      const { share, token } = await createShare(deps.store, request, Date.now(), deps.tripOptions);
      deps.log.info({ share: share.id }, "share created");
      const base = shareBaseUrl(c.req.url, deps.publicUrl);
      const where = base
        ? { url: shareUrl(base, token) }
        : { note: "set KAYAKTRACK_PUBLIC_URL to the address friends open: this request's Host is not this machine's, so no link is made from it" };
      return c.json({ token, ...shareToJson(share), path: shareUrl("", token), ...where }, 201);
    })
    .get("/", async (c) => c.json({ shares: (await deps.store.shares()).map((s) => shareToJson(s)) }))
    .delete("/:id", async (c) => {
      const id = parseDeviceId(c.req.param("id"));
      if (id === undefined || !await deps.store.revokeShare(id)) throw new HttpError(404, "not found", "no such share");
      return c.json({ id, revoked: true });
    });
}

/**
 * `/api/v1/shares/:token[?zoom=Z]`: what a share link shows, without any login
 * (a trip's display line and track at the zoom, as /api/v1/trips/:id). Fixes
 * newer than the share's privacy delay are never served.
 */
export function sharesRoute(deps: ServiceDeps) {
  /** The fixes a share shows now. */
  const range = async (share: Share): Promise<FixRange> => {
    const until = visibleUntilMs(share);
    if (share.tripId === null) return { deviceId: share.deviceId, fromMs: Date.now() - DEVICE_WINDOW_MS, toMs: until };
    const trip = await sharedTrip(deps.store, share);
    return { deviceId: share.deviceId, fromMs: Math.round(trip.start * 1000), toMs: Math.min(Math.round(trip.end * 1000), until) };
  };

  return new Hono()
    .get("/:token", async (c) => {
      const share = await openShare(deps.store, c.req.param("token"));
      const device = (await deps.store.getDevice(share.deviceId))!;
      const untilMs = visibleUntilMs(share);
      const shown = { kind: share.tripId === null ? "device" : "trip", delayS: share.delayS, expiresAt: shareToJson(share).expiresAt };
      if (share.tripId === null) {
        const latest = await deps.store.latestBefore(share.deviceId, untilMs);
        return c.json({ share: shown, device: { id: device.id, name: device.name, latest: latest ? fixToJson(latest) : null } });
      }
      const trip = await sharedTrip(deps.store, share);
      // Kept between requests and extended by what arrived (trip-view.ts): a request costs what changed since the last.
      const view = tripView(deps.store, share.deviceId, Math.round(trip.start * 1000), `share delayed ${share.delayS} s`);
      await view.advance(Math.min(Math.round(trip.end * 1000), untilMs));
      // The whole trip once its end is older than the delay; before that, the statistics of the fixes
      // shown only, so that no figure (the end, the box, the count, the distance) gives away where the boat is now.
      const stats = trip.end * 1000 <= untilMs ? trip : view.stats();
      if (!stats || view.count === 0) throw new HttpError(404, "not found", `nothing of this trip is shown yet: its positions appear ${formatDelay(share.delayS)} late`);
      const zoom = parseZoom(c.req.query("zoom"), zoomToFit(stats.bbox));
      if (zoom === undefined) throw new HttpError(400, "bad query", "'zoom' must be an integer from 0 to 22");
      const reply = view.kept(`share ${share.id} at ${zoom}: ${device.name}, trip ${trip.id} ${trip.end} ${trip.fixes}`, () => {
        // A trip share shows no fix from before its trip (a long delay reaches back past its start).
        const latest = view.latest;
        return JSON.stringify({
          share: shown,
          device: { id: device.id, name: device.name, latest: latest ? fixToJson(latest) : null },
          trip: { ...tripToJson({ ...stats, id: trip.id, deviceId: trip.deviceId }), zoom, ...view.display(zoom) },
        });
      });
      return c.body(reply, 200, { "Content-Type": "application/json" });
    })
    .get("/:token/alerts", async (c) => {
      // What the people with the link must see at once: the device's open alerts, and while an SOS
      // stands the latest position, past the privacy delay (docs/ARCHITECTURE.md, Alerts).
      const share = await openShare(deps.store, c.req.param("token"));
      // A trip share shows alerts of its own trip only (raised from its start to an hour after its
      // last fix), never a later day's: an old trip's link must not tell where the boat is now.
      let window = { from: 0, to: Infinity };
      if (share.tripId !== null) {
        const trip = await sharedTrip(deps.store, share);
        window = { from: Math.round(trip.start * 1000), to: Math.round(trip.end * 1000) + 3_600_000 };
      }
      const open = (await deps.store.alerts.openAlerts(share.deviceId)).filter((a) => a.raisedAt >= window.from && a.raisedAt <= window.to);
      const sos = open.find((a) => a.kind === "sos");
      const latest = sos ? (await deps.store.getDevice(share.deviceId))?.latest : undefined;
      c.header("Cache-Control", "no-store");
      return c.json({
        alerts: open.map((a) => ({ kind: a.kind, raisedAt: new Date(a.raisedAt).toISOString(), acknowledgedAt: a.acknowledgedAt === null ? null : new Date(a.acknowledgedAt).toISOString(), detail: a.detail })),
        sos: sos ? { since: new Date(sos.raisedAt).toISOString(), position: latest ? fixToJson(latest) : sos.lat !== null && sos.lon !== null ? { lat: sos.lat, lon: sos.lon, time: sos.fixTime } : null } : null,
      });
    })
    .get("/:token/fixes", async (c) => {
      const share = await openShare(deps.store, c.req.param("token"));
      const r = await range(share);
      const after = c.req.query("after");
      if (after !== undefined && !/^\d{1,16}$/.test(after)) throw new HttpError(400, "bad query", "'after' must be the value given in 'next'");
      const fixes = await deps.store.fixes({
        deviceId: r.deviceId,
        afterMs: Math.max(r.fromMs! - 1, after === undefined ? -Infinity : Number(after)),
        to: r.toMs! / 1000,
        limit: deps.limits.maxPage,
      });
      const next = fixes.length === deps.limits.maxPage ? String(Math.round(fixes[fixes.length - 1]!.time * 1000)) : null;
      return c.json({ fixes: fixes.map(fixToJson), next });
    })
    .get("/:token/:file{export\\.[a-z]+}", async (c) => {
      const share = await openShare(deps.store, c.req.param("token"));
      const format = exportFormats[c.req.param("file").slice("export.".length)];
      if (!format) throw new HttpError(404, "not found", `no such export format; use ${Object.keys(exportFormats).join(", ")}`);
      const device = (await deps.store.getDevice(share.deviceId))!;
      c.header("Content-Type", format.mediaType);
      c.header("Content-Disposition", `attachment; filename="kayaktrack-share.${format.extension}"`);
      return c.body(exportStream(deps.store, await range(share), format, { name: device.name }));
    });
}

