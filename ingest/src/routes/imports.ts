import { Hono } from "hono";
import { parseDeviceId } from "../auth.ts";
import { HttpError } from "../http-error.ts";
import { ImportError } from "../import/import-error.ts";
import { ImportSlots, ImportsBusyError } from "../import/import-slots.ts";
import { ImportThreads } from "../import/import-thread.ts";
import { IMPORT_FORMATS, type ImportFormat } from "../import/parse-import.ts";
import { bodyPieces } from "../request-body.ts";
import type { ServiceDeps } from "../service.ts";
import { queryTime } from "./devices.ts";

/**
 * `POST /api/v1/devices/:id/imports?name=FILE&format=gpx|nmea|journal&start=T`:
 * the file is the body. Same as `kayaktrack import`; a trip recorded without
 * coverage comes in this way. The file is parsed in a thread of its own as it
 * arrives (import-thread.ts), `importsAtOnce` at a time, so an import never
 * holds up the trackers; all of its fixes are stored in one transaction, or none.
 */
export function importsRoute(deps: ServiceDeps) {
  const slots = new ImportSlots(deps.limits.importsAtOnce, deps.limits.importsWaiting);
  const threads = new ImportThreads();
  return new Hono().post("/:id/imports", async (c) => {
    const id = parseDeviceId(c.req.param("id"));
    if (id === undefined || !deps.store.getDevice(id)) throw new HttpError(404, "not found", "no such device");
    const format = c.req.query("format");
    if (format !== undefined && !IMPORT_FORMATS.includes(format as ImportFormat)) {
      throw new HttpError(400, "bad query", `'format' must be one of ${IMPORT_FORMATS.join(", ")}`);
    }
    const start = queryTime("start", c.req.query("start"));
    const name = c.req.query("name") ?? "upload";
    const maxBytes = deps.limits.maxImportBytes;
    let release: () => void;
    try {
      release = await slots.take();
    } catch (e) {
      if (!(e instanceof ImportsBusyError)) throw e;
      throw new HttpError(503, "imports busy", `${deps.limits.importsAtOnce} import(s) running and ${e.waiting} waiting; try again later`, { "Retry-After": "30" });
    }
    try {
      const options = { maxBytes, ...(format && { format: format as ImportFormat }), ...(start !== undefined && { start }) };
      const parsed = await threads.parse(name, options, bodyPieces(c, maxBytes));
      deps.countRejects(parsed.reasons);
      const written = parsed.fixes.length > 0 ? await deps.queue.submit({ deviceId: id, source: "import", fixes: parsed.fixes }) : { storedCount: 0, duplicates: 0 };
      return c.json({
        file: name,
        format: parsed.format,
        fixes: parsed.read,
        stored: written.storedCount,
        duplicates: written.duplicates,
        rejected: parsed.rejected,
        skipped: parsed.skipped,
      });
    } catch (e) {
      if (e instanceof ImportError) throw new HttpError(400, "bad import", e.message);
      throw e;
    } finally {
      release();
    }
  });
}
