import { readGpxRoute } from "./gpx-route.ts";
import type { Route } from "./route.ts";
import { syntheticRoute } from "./synthetic-routes.ts";

export interface RouteChoice {
  /** a GPX file (--route FILE.gpx) */
  gpx?: string;
  /** a built-in trip (--synthetic NAME) */
  synthetic?: string;
  seed?: number | string;
  /** epoch seconds to start (synthetic trips, and GPX files without times) */
  start?: number;
  /** seconds (--duration): a lake loop goes round to fill it; receivers stop after it */
  duration?: number;
}

/** The route the simulator's options name: a GPX file or a built-in trip, never both. */
export async function loadRoute(choice: RouteChoice): Promise<Route> {
  const { gpx, synthetic, ...rest } = choice;
  if (gpx !== undefined && synthetic !== undefined) throw new Error("give a GPX route or a synthetic trip, not both");
  if (gpx !== undefined) {
    return readGpxRoute(gpx, { ...(rest.seed !== undefined ? { seed: rest.seed } : {}), ...(rest.start !== undefined ? { start: rest.start } : {}) });
  }
  return syntheticRoute(synthetic ?? "lake-loop", rest);
}
