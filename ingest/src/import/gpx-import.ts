import { SaxesParser, type SaxesTagNS } from "saxes";
import { makeFix, type Fix } from "../fix.ts";
import { ImportError, type ParsedFile } from "./import-error.ts";
import type { TextParser } from "./text-parser.ts";

const GPX_NAMESPACES = ["http://www.topografix.com/GPX/1/0", "http://www.topografix.com/GPX/1/1"];
/** Children of a point whose text we keep (GPX 1.0 has speed and course; 1.1 tools put them in extensions). */
const FIELDS = new Set(["ele", "time", "sat", "hdop", "speed", "course"]);
/** Of those, the ones only GPX itself defines: an extension's element of the same name (another namespace) is something else. */
const GPX_ONLY = new Set(["ele", "time", "sat", "hdop"]);

export interface GpxOptions {
  /** epoch seconds given to the first point when no point has a time; the next get one second more each */
  start?: number;
}

/**
 * Elements may nest this deep: GPX needs six (gpx, trk, trkseg, trkpt, extensions, an extension's
 * element), extensions a few more. The XML parser's namespace handling costs time quadratic in the
 * depth: a file of millions of nested elements would hold the server for minutes.
 */
const MAX_DEPTH = 64;

type Point = { lat: string; lon: string } & Partial<Record<"ele" | "time" | "sat" | "hdop" | "speed" | "course", string>>;

/**
 * Parses the track points of a GPX 1.0 or 1.1 file (every track and segment,
 * in file order). Routes and waypoints are not fixes and are skipped. Fed the
 * file's text in pieces (`write`), then `finish`.
 */
export class GpxParser implements TextParser<Fix | "invalid"> {
  private readonly points: Point[] = [];
  private readonly skipped: Record<string, number> = {};
  private readonly parser = new SaxesParser({ xmlns: true, position: true });
  private root = true;

  constructor(private readonly options: GpxOptions = {}) {
    let point: Point | undefined;
    let field: string | undefined;
    let textBuf = "";
    let depth = 0;
    const parser = this.parser;
    parser.on("opentagstart", () => {
      if (++depth > MAX_DEPTH) throw new ImportError(`not GPX: elements nested more than ${MAX_DEPTH} deep`);
    });
    parser.on("opentag", (tag: SaxesTagNS) => {
      if (tag.isSelfClosing) depth--;
      if (this.root) {
        this.root = false;
        if (tag.local !== "gpx" || !GPX_NAMESPACES.includes(tag.uri)) {
          throw new ImportError(`not GPX 1.0 or 1.1: the root element is <${tag.name}> in namespace '${tag.uri || "none"}'`);
        }
      }
      if (tag.local === "trkpt" && GPX_NAMESPACES.includes(tag.uri)) {
        point = { lat: tag.attributes.lat?.value ?? "", lon: tag.attributes.lon?.value ?? "" };
      } else if (tag.local === "rtept" || tag.local === "wpt") {
        this.skip(`${tag.local} (not a track point)`);
      } else if (point && FIELDS.has(tag.local) && (!GPX_ONLY.has(tag.local) || GPX_NAMESPACES.includes(tag.uri))) {
        field = tag.local;
        textBuf = "";
      }
    });
    parser.on("text", (t) => {
      if (field) textBuf += t;
    });
    parser.on("closetag", (tag: SaxesTagNS) => {
      if (!tag.isSelfClosing) depth--;
      if (point && field === tag.local) {
        point[field as keyof Point] = textBuf.trim();
        field = undefined;
      } else if (point && tag.local === "trkpt") {
        this.points.push(point);
        point = undefined;
      }
    });
  }

  write(text: string): void {
    this.guard(() => this.parser.write(text));
  }

  finish(): ParsedFile<Fix | "invalid"> {
    this.guard(() => this.parser.close());
    const { points, skipped, options } = this;
    if (this.root) throw new ImportError("malformed GPX: no root element");
    if (points.length === 0) throw new ImportError("the GPX file has no track points");
    const timed = points.filter((p) => p.time);
    if (timed.length === 0 && options.start === undefined) {
      throw new ImportError("the track points have no <time>; give a start time to import them one second apart");
    }
    // A track partly timed (a recorded part and a drawn one, as route planners write them): the untimed
    // points are no fixes, and an evenly spaced guess would invent a speed. Skipped and counted.
    if (timed.length && timed.length < points.length) skipped["trkpt without <time>"] = points.length - timed.length;
    const fixes = (timed.length ? timed : points).map((p, i) =>
      makeFix(timed.length ? p.time : options.start! + i, p.lat, p.lon, { alt: p.ele, sats: p.sat, hdop: p.hdop, speed: p.speed, course: p.course }),
    );
    return { fixes, skipped };
  }

  private skip(why: string): void {
    this.skipped[why] = (this.skipped[why] ?? 0) + 1;
  }

  /** The XML parser's own errors as ImportErrors. */
  private guard(step: () => void): void {
    try {
      step();
    } catch (e) {
      if (e instanceof ImportError) throw e;
      throw new ImportError(`malformed GPX: ${(e as Error).message}`);
    }
  }
}

/** A whole GPX file's track points (GpxParser). */
export function parseGpx(text: string, options: GpxOptions = {}): ParsedFile<Fix | "invalid"> {
  const parser = new GpxParser(options);
  parser.write(text);
  return parser.finish();
}
