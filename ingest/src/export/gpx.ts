import { deg, escapeXml, isoTime, num, type ExportFormat } from "./export-format.ts";

/**
 * GPX 1.1 (topografix.com/GPX/1/1): one track, one segment. The child order of
 * <trkpt> is fixed by the schema's wptType: ele, time, …, sat, hdop, …, extensions.
 * Speed (m/s) and course go in Garmin's TrackPointExtension v2, which most tools read.
 */
export const gpx: ExportFormat = {
  extension: "gpx",
  mediaType: "application/gpx+xml",
  parts: (meta) => [
    `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="kayaktrack" xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">
<metadata><name>${escapeXml(meta.name)}</name>${meta.description ? `<desc>${escapeXml(meta.description)}</desc>` : ""}</metadata>
<trk><name>${escapeXml(meta.name)}</name><trkseg>
`,
    (f) => {
      let s = `<trkpt lat="${deg(f.lat)}" lon="${deg(f.lon)}">`;
      if (f.alt !== null) s += `<ele>${num(f.alt, 2)}</ele>`;
      s += `<time>${isoTime(f.time)}</time>`;
      if (f.sats !== null) s += `<sat>${Math.round(f.sats)}</sat>`;
      if (f.hdop !== null) s += `<hdop>${num(f.hdop, 2)}</hdop>`;
      if (f.speed !== null || f.course !== null) {
        s += "<extensions><gpxtpx:TrackPointExtension>";
        if (f.speed !== null) s += `<gpxtpx:speed>${num(f.speed, 3)}</gpxtpx:speed>`;
        if (f.course !== null) s += `<gpxtpx:course>${num(f.course, 2)}</gpxtpx:course>`;
        s += "</gpxtpx:TrackPointExtension></extensions>";
      }
      return s + "</trkpt>\n";
    },
    "</trkseg></trk>\n</gpx>\n",
  ],
};
