import { csv } from "./csv.ts";
import type { ExportFormat } from "./export-format.ts";
import { geojson } from "./geojson.ts";
import { gpx } from "./gpx.ts";
import { kml } from "./kml.ts";

/** Every export format by its file extension. */
export const exportFormats: Record<string, ExportFormat> = { gpx, geojson, kml, csv };
