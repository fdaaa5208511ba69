import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { requireAdmin } from "./auth.ts";
import { errorHandler, HttpError } from "./http-error.ts";
import { alertsRoute } from "./routes/alerts.ts";
import { batchesRoute } from "./routes/batches.ts";
import { deviceAdminRoute, devicesRoute } from "./routes/devices.ts";
import { liveRoute } from "./routes/live.ts";
import { mapUiRoute } from "./routes/map-ui.ts";
import { opsRoute } from "./routes/ops.ts";
import { osmandRoute } from "./routes/osmand.ts";
import { overlandRoute } from "./routes/overland.ts";
import { importsRoute } from "./routes/imports.ts";
import { owntracksRoute } from "./routes/owntracks.ts";
import { tripsRoute } from "./routes/trips.ts";
import { shareAdminRoute, sharesRoute } from "./routes/shares.ts";
import { shareLiveRoute } from "./routes/share-live.ts";
import type { ServiceDeps } from "./deps.ts";

/**
 * A path as it may be logged: the token of a share link (/api/v1/shares/TOKEN…, /s/TOKEN) is a key
 * to someone's trip. Repeated slashes are folded first, so that //s/TOKEN and /s//TOKEN are masked too.
 */
const maskShareToken = (path: string) => path.replace(/\/{2,}/g, "/").replace(/^(\/api\/v1\/shares\/|\/s\/)[^/]+/, "$1***");

/** The HTTP API. Every route is listed here; each lives in routes/ with its test beside it. */
export function createApp(deps: ServiceDeps) {
  const { log, metrics } = deps;
  // Not strict: `/api/v1/overland/` is `/api/v1/overland`, as the apps' URL fields invite a trailing slash.
  const app = new Hono({ strict: false });

  app.use(requestId({ limitLength: 64 }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    const route = c.req.routePath;
    metrics.requestSeconds.observe({ method: c.req.method, route, status: c.res.status }, ms / 1000);
    // The query string is left out (it can carry device tokens), and share tokens are masked: the database keeps only their hashes.
    log.info({ reqId: c.get("requestId"), method: c.req.method, path: maskShareToken(c.req.path), status: c.res.status, ms: Math.round(ms * 10) / 10 }, "request");
  });
  // Ways in for trackers (device tokens).
  app.route("/api/v1/batches", batchesRoute(deps));
  app.route("/api/v1/osmand", osmandRoute(deps));
  // GPSLogger's custom URL: its %SPD is m/s, and a custom body comes without Content-Type.
  app.route("/api/v1/gpslogger", osmandRoute(deps, { speedUnit: 1, untypedIsForm: true }));
  app.route("/api/v1/owntracks", owntracksRoute(deps));
  app.route("/api/v1/overland", overlandRoute(deps));

  // Reading and administration (admin token).
  app.use("/api/v1/devices/*", requireAdmin(deps.adminTokenHash)); // also matches /api/v1/devices
  app.use("/api/v1/trips/*", requireAdmin(deps.adminTokenHash));
  app.route("/api/v1", tripsRoute(deps));
  app.route("/api/v1/devices", devicesRoute(deps));
  app.route("/api/v1/devices", importsRoute(deps));
  app.use("/api/v1/alerts/*", requireAdmin(deps.adminTokenHash)); // also matches /api/v1/alerts
  app.use("/api/v1/contacts/*", requireAdmin(deps.adminTokenHash));
  app.route("/api/v1", alertsRoute(deps));
  app.use("/api/v1/admin/*", requireAdmin(deps.adminTokenHash));
  app.route("/api/v1/admin/shares", shareAdminRoute(deps));
  app.route("/api/v1/admin/devices", deviceAdminRoute(deps));

  // Share links: read-only, no login; the token is the key.
  app.route("/api/v1/shares", sharesRoute(deps));
  app.route("/api/v1/shares", shareLiveRoute(deps));
  app.use("/api/v1/live", requireAdmin(deps.adminTokenHash, { allowQueryToken: true }));
  app.route("/api/v1/live", liveRoute(deps));

  app.route("/", opsRoute(deps));
  // The web map (map-ui/dist) at / and /s/TOKEN; last, so that no API path reaches it.
  app.route("/", mapUiRoute(deps));

  app.notFound((c) => c.json({ error: "not found", detail: "no such route" }, 404));
  app.onError(
    errorHandler((status, error, err) => {
      metrics.requestsRejected.inc({ status, error });
      // 501 answers a request this server cannot serve yet (an OwnTracks message without its key), logged where it is raised.
      if (status >= 500 && status !== 501) log.error({ err }, "request failed");
    }),
  );
  return app;
}
