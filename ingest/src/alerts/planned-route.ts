import { SaxesParser } from "saxes";

/**
 * A planned route from a GPX file: the points of its route (`rtept`), or else of its track
 * (`trkpt`), as [lon, lat], times ignored (route planners write none). At most 10,000.
 */
export function plannedRoute(gpx: string): Array<[number, number]> {
  const rte: Array<[number, number]> = [];
  const trk: Array<[number, number]> = [];
  const parser = new SaxesParser({ xmlns: false });
  let depth = 0;
  parser.on("opentag", (tag) => {
    if (++depth > 64) throw new Error("elements nested more than 64 deep");
    const name = tag.name.replace(/^.*:/, "");
    if (name !== "rtept" && name !== "trkpt") return;
    const lat = Number(tag.attributes.lat);
    const lon = Number(tag.attributes.lon);
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) throw new Error(`a ${name} without a latitude and longitude`);
    (name === "rtept" ? rte : trk).push([lon, lat]);
  });
  parser.on("closetag", () => depth--);
  try {
    parser.write(gpx).close();
  } catch (e) {
    throw new Error(`not a GPX file: ${(e as Error).message}`);
  }
  const route = rte.length >= 2 ? rte : trk;
  if (route.length < 2) throw new Error("the GPX file has no route or track of two points or more");
  if (route.length > 10_000) throw new Error(`the route has ${route.length} points; at most 10,000`);
  return route;
}
