/** A trip's statistics. Distances in metres, times in seconds, speeds in m/s, altitudes in metres. */
export interface TripStats {
  /** fixes in the trip, outliers included */
  fixes: number;
  /** epoch seconds of the first and last fix */
  start: number;
  end: number;
  /** geodesic length of the track without outliers */
  distanceM: number;
  durationS: number;
  /** time spent at movingSpeed or faster */
  movingS: number;
  /** distance covered while moving / movingS; null when it never moved */
  avgMovingSpeed: number | null;
  /** fastest speed over a span of at least speedWindowS, outliers left out */
  maxSpeed: number | null;
  minAlt: number | null;
  maxAlt: number | null;
  /** [west, south, east, north] degrees */
  bbox: [number, number, number, number];
}

/** A trip as stored and served. */
export interface Trip extends TripStats {
  id: number;
  deviceId: number;
}

/** How fixes are split into trips and measured. Units are in the names. */
export interface TripOptions {
  /** a pause in the fixes longer than this ends a trip */
  gapS: number;
  /** staying within this radius … */
  stationaryRadiusM: number;
  /** … for this long ends a trip (the boat is ashore); the next starts when it leaves */
  stationaryS: number;
  /** shorter trips are dropped (their fixes stay stored) */
  minDistanceM: number;
  minDurationS: number;
  /** a fix that would need more speed than this from the last good fix is an outlier */
  outlierSpeed: number;
  /** slower than this is not moving (GPS jitter at rest reads up to about 0.3 m/s) */
  movingSpeed: number;
  /** the maximum speed is measured over spans at least this long */
  speedWindowS: number;
}

/** Defaults for paddling: a 30 min pause or 20 min ashore ends a trip. */
export const defaultTripOptions: TripOptions = {
  gapS: 30 * 60,
  stationaryRadiusM: 50,
  stationaryS: 20 * 60,
  minDistanceM: 200,
  minDurationS: 120,
  outlierSpeed: 15,
  movingSpeed: 0.5,
  speedWindowS: 10,
};
