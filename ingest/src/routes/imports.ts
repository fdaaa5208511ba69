import { setTimeout as sleep } from "node:timers/promises";
import { Hono } from "hono";
import { parseDeviceId } from "../auth.ts";
import { HttpError } from "../http-error.ts";
import { ImportError } from "../import/import-error.ts";
import { ImportSlots, ImportsBusyError } from "../import/import-slots.ts";
import { ImportThreads } from "../import/import-thread.ts";
import { IMPORT_FORMATS, type ImportFormat } from "../import/parse-import.ts";
import { packedCount, unpackSlice } from "../packed-fixes.ts";
import { bodyPieces } from "../request-body.ts";
import type { ServiceDeps } from "../deps.ts";
import { queryTime } from "../query-time.ts";

/** Fixes of an import stored in one commit: within the writer's group of 600, so a tracker's batch waits for one such commit at most. */
export const IMPORT_COMMIT_FIXES = 500;

/**
 * `POST /api/v1/devices/:id/imports?name=FILE&format=gpx|nmea|journal&start=T`:
 * the file is the body. Same as `kayaktrack import`; a trip recorded without
 * coverage comes in this way. The file is parsed in a thread of its own as it
 * arrives (import-thread.ts), `importsAtOnce` at a time, so an import never
 * holds up the trackers. A file that cannot be read stores nothing; a good one
 * is stored in parts of IMPORT_COMMIT_FIXES, a pause as long as each commit
 * took after it (so an import takes at most half the writer's time); should storing fail midway
 * (503), sending the file again stores the rest (fixes are idempotent).
 */
export function importsRoute(deps: ServiceDeps) {
  const slots = new ImportSlots(deps.limits.importsAtOnce, deps.limits.importsWaiting);
  const threads = new ImportThreads();
  return new Hono().post("/:id/imports", async (c) => {
    const id = parseDeviceId(c.req.param("id"));
    if (id === undefined || !await deps.store.getDevice(id)) throw new HttpError(404, "not found", "no such device");
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
      const written = { storedCount: 0, duplicates: 0 };
      // In parts, each its own commit between the trackers': one commit of a whole 60 MB file held every tracker's acknowledgement for a second.
      // (Made into objects a part at a time too: 270,000 at once held the HTTP thread for a tenth of a second.)
      const total = packedCount(parsed.fixes);
      for (let i = 0; i < total; i += IMPORT_COMMIT_FIXES) {
        let part;
        const began = performance.now();
        try {
          part = await deps.queue.submit({ deviceId: id, source: "import", fixes: unpackSlice(parsed.fixes, i, i + IMPORT_COMMIT_FIXES) });
        } catch (e) {
          deps.log.error({ err: e }, "import write failed");
          const done = `${written.storedCount + written.duplicates} of its ${total} fixes are stored`;
          throw new HttpError(503, "storage unavailable", `${done}; send the file again for the rest`, { "Retry-After": "5" });
        }
        written.storedCount += part.storedCount;
        written.duplicates += part.duplicates;
        // Then as long again for the trackers: an import takes at most half the writer's time.
        await sleep(performance.now() - began);
      }
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
