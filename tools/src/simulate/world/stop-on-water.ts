import type { Route } from "./route.ts";

/**
 * The route with a stop on the water: from `at` seconds into the trip the boat drifts nowhere for
 * `length` seconds (a capsize, a cramp, an SOS), then paddles on where it stopped. Everything after
 * the stop comes `length` later; the trip is that much longer.
 */
export function withStopOnWater(route: Route, at: number, length: number): Route {
  const from = route.start + at;
  const to = from + length;
  return {
    ...route,
    name: `${route.name}, stopped ${Math.round(length / 60)} min on the water`,
    end: route.end + length,
    pauses: [...route.pauses.map((p) => (p.from >= from ? { from: p.from + length, to: p.to + length } : p)), { from, to }].sort((a, b) => a.from - b.from),
    at(time: number) {
      if (time < from) return route.at(time);
      if (time < to) return { ...route.at(from), time, speed: 0, moving: false };
      return { ...route.at(time - length), time };
    },
  };
}
