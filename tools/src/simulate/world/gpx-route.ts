import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { SaxesParser, type SaxesTagNS } from "saxes";
import { bearing, distance } from "./geo.ts";
import { paddleAlongPath } from "./paddle-along-path.ts";
import { Prng } from "../prng.ts";
import { routeFromSamples, type Route, type TruePosition } from "./route.ts";

export interface GpxPoint {
  lat: number;
  lon: number;
  /** <ele>, metres */
  ele: number | undefined;
  /** <time>, epoch seconds */
  time: number | undefined;
}

export interface GpxRouteOptions {
  /** for the paddling speed along a GPX without times */
  seed?: number | string;
  /** epoch seconds to set off along a GPX without times; a fixed date by default */
  start?: number;
  /** the route's name; "gpx" by default */
  name?: string;
}

/** below this (m/s) a stretch of a timed track counts as standing still */
const STILL = 0.2;

/**
 * The path of a GPX 1.0/1.1 file: its track points (<trkpt>, every track and
 * segment in order), or, when it has none, its route points (<rtept>).
 * Throws an Error naming the first point that cannot be used.
 */
export function parseGpxPath(text: string): GpxPoint[] {
  const tracks: GpxPoint[] = [];
  const routes: GpxPoint[] = [];
  const parser = new SaxesParser({ xmlns: true, position: true });
  let root = true;
  let point: (GpxPoint & { kind: string; index: number }) | undefined;
  let field: "ele" | "time" | undefined;
  let buf = "";
  const fail = (p: { kind: string; index: number }, why: string) => {
    throw new Error(`GPX ${p.kind} ${p.index + 1}: ${why}`);
  };

  parser.on("opentag", (tag: SaxesTagNS) => {
    if (root) {
      root = false;
      if (tag.local !== "gpx") throw new Error(`not GPX: the root element is <${tag.name}>`);
    }
    if (tag.local === "trkpt" || tag.local === "rtept") {
      const kind = tag.local;
      const index = (kind === "trkpt" ? tracks : routes).length;
      const lat = Number(tag.attributes.lat?.value ?? NaN);
      const lon = Number(tag.attributes.lon?.value ?? NaN);
      point = { kind, index, lat, lon, ele: undefined, time: undefined };
      if (!(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) {
        fail(point, `lat="${tag.attributes.lat?.value ?? ""}" lon="${tag.attributes.lon?.value ?? ""}" is not a position`);
      }
    } else if (point && (tag.local === "ele" || tag.local === "time")) {
      field = tag.local;
      buf = "";
    }
  });
  parser.on("text", (t) => {
    if (field) buf += t;
  });
  parser.on("closetag", (tag: SaxesTagNS) => {
    if (!point) return;
    if (field && tag.local === field) {
      const v = buf.trim();
      if (field === "ele") {
        point.ele = Number(v);
        if (v === "" || !Number.isFinite(point.ele)) fail(point, `<ele>${v}</ele> is not a number`);
      } else {
        point.time = Date.parse(v) / 1000;
        if (!Number.isFinite(point.time)) fail(point, `<time>${v}</time> is not a time`);
      }
      field = undefined;
    } else if (tag.local === point.kind) {
      const { kind, index: _, ...p } = point;
      (kind === "trkpt" ? tracks : routes).push(p);
      point = undefined;
    }
  });
  try {
    parser.write(text).close();
  } catch (e) {
    const m = (e as Error).message;
    throw new Error(m.startsWith("GPX") || m.startsWith("not GPX") ? m : `malformed GPX: ${m}`);
  }
  if (root) throw new Error("malformed GPX: no root element");
  const points = tracks.length ? tracks : routes;
  if (points.length === 0) throw new Error("the GPX file has no <trkpt> or <rtept>");
  return points;
}

/**
 * A route along a GPX file's path. With a <time> on every point, the boat is
 * where the file says when it says; without times, it paddles along the path
 * at a paddling speed from `start`. Some points timed and others not is an Error.
 */
export function gpxRoute(text: string, options: GpxRouteOptions = {}): Route {
  const points = parseGpxPath(text);
  const name = options.name ?? "gpx";
  const timed = points.filter((p) => p.time !== undefined).length;
  if (timed > 0 && timed < points.length) {
    throw new Error(`${points.length - timed} of ${points.length} GPX points have no <time>: give every point a time, or none`);
  }
  const path = points.map((p) => ({ lat: p.lat, lon: p.lon, alt: p.ele ?? 0 }));
  if (timed === 0) {
    const start = options.start ?? Date.parse("2024-07-06T08:00:00Z") / 1000;
    return routeFromSamples(name, paddleAlongPath(path, start, new Prng(options.seed ?? 1, "gpx")));
  }
  const samples: TruePosition[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const prev = samples[samples.length - 1];
    if (prev && p.time! < prev.time) throw new Error(`GPX point ${i + 1}: its time goes back before the point before it`);
    if (prev && p.time! === prev.time) continue; // a repeated time: the first point at it stands
    samples.push({ time: p.time!, ...path[i]!, speed: 0, course: 0, moving: false });
  }
  // Each sample carries the speed and course of the stretch to the next one.
  for (let i = 0; i + 1 < samples.length; i++) {
    const a = samples[i]!;
    const b = samples[i + 1]!;
    a.speed = distance(a, b) / (b.time - a.time);
    a.moving = a.speed >= STILL;
    a.course = a.moving ? bearing(a, b) : i > 0 ? samples[i - 1]!.course : bearing(a, b);
  }
  return routeFromSamples(name, samples);
}

/** gpxRoute of a file, named after it; errors name the file. */
export async function readGpxRoute(file: string, options: GpxRouteOptions = {}): Promise<Route> {
  const text = await readFile(file, "utf8");
  try {
    return gpxRoute(text, { name: basename(file), ...options });
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
}
