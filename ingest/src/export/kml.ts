import { deg, escapeXml, isoTime, num, type ExportFormat } from "./export-format.ts";

/**
 * KML 2.2 with a gx:Track (Google's extension for timed tracks). The schema
 * wants every <when> before the first <gx:coord>, so the fixes are read twice.
 */
export const kml: ExportFormat = {
  extension: "kml",
  mediaType: "application/vnd.google-earth.kml+xml",
  parts: (meta) => [
    `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>${escapeXml(meta.name)}</name>
<Placemark><name>${escapeXml(meta.name)}</name><gx:Track><altitudeMode>clampToGround</altitudeMode>
`,
    (f) => `<when>${isoTime(f.time)}</when>\n`,
    (f) => `<gx:coord>${deg(f.lon)} ${deg(f.lat)} ${f.alt !== null ? num(f.alt, 2) : 0}</gx:coord>\n`,
    "</gx:Track></Placemark>\n</Document>\n</kml>\n",
  ],
};
