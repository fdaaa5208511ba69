import { deg, isoTime, num, type ExportFormat } from "./export-format.ts";

const opt = (v: number | null, decimals: number) => (v === null ? "" : num(v, decimals));

/** CSV (RFC 4180), one fix a row, units in the header; empty cells for absent values. */
export const csv: ExportFormat = {
  extension: "csv",
  mediaType: "text/csv; charset=utf-8",
  parts: () => [
    "time,lat,lon,alt_m,speed_mps,course_deg,hdop,sats,accuracy_m,battery_pct,source\r\n",
    (f) =>
      [
        isoTime(f.time), deg(f.lat), deg(f.lon), opt(f.alt, 2), opt(f.speed, 2), opt(f.course, 1), opt(f.hdop, 2),
        opt(f.sats, 0), opt(f.accuracy, 1), opt(f.battery, 0), f.source,
      ].join(",") + "\r\n",
  ],
};
