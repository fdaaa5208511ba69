import { Hono, type Context } from "hono";
import { parseDeviceId } from "../auth.ts";
import type { ExportFormat } from "../export/export-format.ts";
import { exportStream } from "../export/export-stream.ts";
import { exportFormats } from "../export/formats.ts";
import { HttpError } from "../http-error.ts";
import type { ServiceDeps } from "../deps.ts";
import type { FixRange } from "../store/each-fix.ts";
import { currentTrip } from "../trips/current-trip.ts";
import { refreshTrips } from "../trips/refresh-trips.ts";
import { tripView } from "../trips/trip-view.ts";
import { parseZoom, zoomToFit } from "../trips/simplify-track.ts";
import { queryTime } from "../query-time.ts";
import { tripToJson } from "../trips/trip-json.ts";

function formatOf(ext: string): ExportFormat {
  const format = exportFormats[ext];
  if (!format) throw new HttpError(404, "not found", `no export format '${ext}'; use ${Object.keys(exportFormats).join(", ")}`);
  return format;
}

function download(c: Context, deps: ServiceDeps, range: FixRange, format: ExportFormat, name: string, file: string) {
  c.header("Content-Type", format.mediaType);
  c.header("Content-Disposition", `attachment; filename="${file}.${format.extension}"`);
  return c.body(exportStream(deps.store, range, format, { name }));
}

/**
 * Trips and exports: `/devices/:id/trips`, `/devices/:id/export.FORMAT?from&to`,
 * `/trips/:id` (statistics, a display line for `?zoom=` and the map's `track`:
 * time, position, altitude and speed columns, trips/display-track.ts), `/trips/:id.FORMAT`.
 * Reading trips first brings them up to date with the fixes.
 */
export function tripsRoute(deps: ServiceDeps) {
  const device = async (c: Context) => {
    const id = parseDeviceId(c.req.param("id"));
    const d = id === undefined ? undefined : await deps.store.getDevice(id);
    if (!d) throw new HttpError(404, "not found", "no such device");
    return d;
  };
  const trip = async (text: string) => {
    const id = parseDeviceId(text);
    const t = id === undefined ? undefined : await currentTrip(deps.store, id, deps.tripOptions);
    // Late fixes can merge a trip into the one before it.
    if (!t) throw new HttpError(404, "not found", "no such trip (late fixes may have merged it into another: list the trips again)");
    return t;
  };

  return new Hono()
    .get("/devices/:id/trips", async (c) => {
      const d = await device(c);
      await refreshTrips(deps.store, d.id, deps.tripOptions);
      return c.json({ trips: (await deps.store.trips(d.id)).map(tripToJson) });
    })
    .get("/devices/:id/:file{export\\.[a-z]+}", async (c) => {
      const d = await device(c);
      const from = queryTime("from", c.req.query("from"));
      const to = queryTime("to", c.req.query("to"));
      const range = { deviceId: d.id, ...(from !== undefined && { fromMs: from * 1000 }), ...(to !== undefined && { toMs: to * 1000 }) };
      return download(c, deps, range, formatOf(c.req.param("file").slice("export.".length)), d.name, `device-${d.id}`);
    })
    .get("/trips/:file{[0-9]+\\.[a-z]+}", async (c) => {
      const [idText, ext] = c.req.param("file").split(".") as [string, string];
      const format = formatOf(ext);
      const t = await trip(idText);
      const range = { deviceId: t.deviceId, fromMs: Math.round(t.start * 1000), toMs: Math.round(t.end * 1000) };
      return download(c, deps, range, format, `Trip ${t.id} (${new Date(Math.round(t.start * 1000)).toISOString().slice(0, 10)})`, `trip-${t.id}`);
    })
    .get("/trips/:id{[0-9]+}", async (c) => {
      const t = await trip(c.req.param("id"));
      const zoom = parseZoom(c.req.query("zoom"), zoomToFit(t.bbox));
      if (zoom === undefined) throw new HttpError(400, "bad query", "'zoom' must be an integer from 0 to 22");
      const view = tripView(deps.store, t.deviceId, Math.round(t.start * 1000), "whole");
      await view.advance(Math.round(t.end * 1000));
      return c.json({ ...tripToJson(t), zoom, ...view.display(zoom) });
    });
}
