import { Hono } from "hono";
import { parseDeviceId } from "../auth.ts";
import { HttpError } from "../http-error.ts";
import { ImportError } from "../import/import-error.ts";
import { importFile } from "../import/import-file.ts";
import { IMPORT_FORMATS, type ImportFormat } from "../import/parse-import.ts";
import { readBytes } from "../request-body.ts";
import type { ServiceDeps } from "../service.ts";
import { queryTime } from "./devices.ts";

/**
 * `POST /api/v1/devices/:id/imports?name=FILE&format=gpx|nmea&start=T`: the
 * file is the body. Same as `kayaktrack import`; a trip recorded without
 * coverage comes in this way.
 */
export function importsRoute(deps: ServiceDeps) {
  return new Hono().post("/:id/imports", async (c) => {
    const id = parseDeviceId(c.req.param("id"));
    if (id === undefined || !deps.store.getDevice(id)) throw new HttpError(404, "not found", "no such device");
    const format = c.req.query("format");
    if (format !== undefined && !IMPORT_FORMATS.includes(format as ImportFormat)) {
      throw new HttpError(400, "bad query", `'format' must be one of ${IMPORT_FORMATS.join(", ")}`);
    }
    const start = queryTime("start", c.req.query("start"));
    const name = c.req.query("name") ?? "upload";
    const bytes = await readBytes(c, deps.limits.maxImportBytes);
    try {
      const result = await importFile(
        name,
        bytes,
        { maxBytes: deps.limits.maxImportBytes, ...(format && { format: format as ImportFormat }), ...(start !== undefined && { start }) },
        (fixes) => deps.queue.submit({ deviceId: id, source: "import", fixes }),
      );
      return c.json(result);
    } catch (e) {
      if (e instanceof ImportError) throw new HttpError(400, "bad import", e.message);
      throw e;
    }
  });
}
