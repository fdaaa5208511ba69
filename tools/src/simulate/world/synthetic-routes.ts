import { offset, type LatLon } from "./geo.ts";
import { paddleToWaypoints, type Waypoint } from "./paddle-to-waypoints.ts";
import { Prng } from "../prng.ts";
import { routeFromSamples, type Route } from "./route.ts";

export interface SyntheticOptions {
  seed?: number | string;
  /** epoch seconds of the start; a fixed date by default, so that a seed repeats the whole trip */
  start?: number;
  /** seconds: the trip ends after this long (a lake loop goes round again to fill it) */
  duration?: number;
}

const iso = (s: string) => Date.parse(s) / 1000;

/**
 * A loop round Lake Bohinj (Slovenia, 525 m), from Ribčev Laz at the east
 * end, west along the north shore and back along the south shore: about
 * 7.5 km, 1 h–1 h 20 min, with a break of 5–15 minutes on the beach at Ukanc,
 * the west end. Given a duration, it goes round as often as needed.
 */
export function lakeLoop(options: SyntheticOptions = {}): Route {
  const prng = new Prng(options.seed ?? 1, "lake-loop");
  const start = options.start ?? iso("2024-06-15T07:00:00Z");
  const centre = { lat: 46.2822, lon: 13.8595 };
  const semi = { eastWest: 1800, northSouth: 300 };
  const at = (angle: number) => {
    const rad = (angle * Math.PI) / 180;
    return offset(centre, semi.northSouth * Math.sin(rad), semi.eastWest * Math.cos(rad));
  };
  const home = at(0);
  const shape = prng.fork("shape");
  // An ellipse counter-clockwise from the east end, each point moved a little so that no two seeds paddle alike.
  const waypoints: Waypoint[] = [];
  for (let angle = 30; angle < 360; angle += 30) waypoints.push(offset(at(angle), shape.uniform(-40, 40), shape.uniform(-60, 60)));
  waypoints[5] = { ...waypoints[5]!, pause: prng.fork("break").int(5 * 60, 15 * 60) }; // 180°: Ukanc
  waypoints.push(home);
  const loop = options.duration !== undefined;
  const { samples, pauses } = paddleToWaypoints({
    start, from: home, waypoints, prng: prng.fork("paddle"), alt: 525, loop,
    ...(loop ? { until: start + options.duration! } : {}),
  });
  // EGM96 geoid height at Bohinj ≈ 47 m
  return routeFromSamples("lake-loop", samples, { geoidSeparation: 47, pauses });
}

/** A beach on the Algarve coast where a break may be taken, and the point offshore before it. */
interface Beach {
  name: string;
  offshore: LatLon;
  shore: LatLon;
}

/**
 * A day along the Algarve coast (Portugal), from Lagos past Ponta da Piedade
 * and Burgau to Sagres harbour: about 28 km at sea level, with one or two
 * breaks ashore of 10–30 minutes (Salema, and Zavial for a second break).
 */
export function coastalDay(options: SyntheticOptions = {}): Route {
  const prng = new Prng(options.seed ?? 1, "coastal-day");
  const start = options.start ?? iso("2024-09-07T08:30:00Z");
  const plan = prng.fork("plan");
  const breaks = plan.int(1, 2);
  const salema: Beach = { name: "Salema", offshore: { lat: 37.062, lon: -8.823 }, shore: { lat: 37.0652, lon: -8.824 } };
  const zavial: Beach = { name: "Zavial", offshore: { lat: 37.042, lon: -8.872 }, shore: { lat: 37.0462, lon: -8.8735 } };
  const sea = (lat: number, lon: number): Waypoint => offset({ lat, lon }, plan.uniform(-30, 30), plan.uniform(-30, 30));
  const stop = (b: Beach): Waypoint[] => [b.offshore, { ...b.shore, pause: plan.int(10 * 60, 30 * 60) }, b.offshore];
  const waypoints: Waypoint[] = [
    sea(37.077, -8.669), // off Ponta da Piedade
    sea(37.081, -8.692), // off Porto de Mós
    sea(37.083, -8.729), // off Praia da Luz
    sea(37.068, -8.775), // off Burgau
    ...stop(salema),
    sea(37.053, -8.847), // off Praia da Figueira
    ...(breaks === 2 ? stop(zavial) : [zavial.offshore]),
    sea(37.03, -8.893), // off Praia do Barranco
    sea(37.015, -8.918), // off Martinhal
    { lat: 37.009, lon: -8.927 }, // Sagres, Baleeira harbour
  ];
  const from = { lat: 37.0987, lon: -8.6735 }; // Lagos, Praia da Batata
  const { samples, pauses } = paddleToWaypoints({
    start, from, waypoints, prng: prng.fork("paddle"), alt: 0,
    ...(options.duration !== undefined ? { until: start + options.duration } : {}),
  });
  // EGM96 geoid height off the Algarve ≈ 54 m
  return routeFromSamples("coastal-day", samples, { geoidSeparation: 54, pauses });
}

export const SYNTHETIC_ROUTES: Record<string, (options?: SyntheticOptions) => Route> = {
  "lake-loop": lakeLoop,
  "coastal-day": coastalDay,
};

/** The built-in trip called `name`; an Error naming the choices for any other name. */
export function syntheticRoute(name: string, options: SyntheticOptions = {}): Route {
  const make = SYNTHETIC_ROUTES[name];
  if (!make) throw new Error(`no synthetic route '${name}'; choose one of ${Object.keys(SYNTHETIC_ROUTES).join(", ")}`);
  return make(options);
}

