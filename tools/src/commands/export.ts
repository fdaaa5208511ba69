import { once } from "node:events";
import { exportChunks, exportFormats, openStore, parseTime, refreshTrips } from "@kayaktrack/ingest";
import { dbPath } from "../db-path.ts";
import { positiveId } from "../positive-id.ts";

export interface ExportOptions {
  device: string;
  trip?: string;
  from?: string;
  to?: string;
  format: string;
  db?: string;
}

const time = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const t = parseTime(v);
  if (t === undefined) throw new Error(`${name} must be ISO 8601 or epoch seconds, not '${v}'`);
  return t * 1000;
};

/**
 * `kayaktrack export --device ID [--trip ID] [--from T --to T] --format F`:
 * writes the export to standard output, a page of fixes at a time.
 */
export async function exportCommand(o: ExportOptions): Promise<void> {
  const format = exportFormats[o.format];
  if (!format) throw new Error(`unknown format '${o.format}'; use ${Object.keys(exportFormats).join(", ")}`);
  const deviceId = positiveId("--device", o.device);
  const store = await openStore(dbPath(o.db));
  try {
    const device = await store.getDevice(deviceId);
    if (!device) throw new Error(`no device ${deviceId}`);
    let range = { deviceId, fromMs: time("--from", o.from), toMs: time("--to", o.to) };
    let name = device.name;
    if (o.trip !== undefined) {
      await refreshTrips(store, deviceId);
      const trip = await store.trip(positiveId("--trip", o.trip));
      if (!trip || trip.deviceId !== deviceId) throw new Error(`device ${deviceId} has no trip ${o.trip}`);
      range = { deviceId, fromMs: Math.max(trip.start * 1000, range.fromMs ?? -Infinity), toMs: Math.min(trip.end * 1000, range.toMs ?? Infinity) };
      name = `${device.name}: trip ${trip.id}`;
    }
    const clean = { deviceId, ...(range.fromMs !== undefined && { fromMs: range.fromMs }), ...(range.toMs !== undefined && { toMs: range.toMs }) };
    for await (const chunk of exportChunks(store, clean, format, { name })) {
      if (!process.stdout.write(chunk)) await once(process.stdout, "drain");
    }
  } finally {
    await store.close();
  }
}
