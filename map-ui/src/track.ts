/** A trip's display track as the API sends it (ingest/src/trips/display-track.ts): columns, one entry a point. */
export interface Track {
  /** epoch seconds */
  time: number[];
  lon: number[];
  lat: number[];
  alt: Array<number | null>;
  /** m/s: the mean speed since the previous point */
  speed: Array<number | null>;
}

export interface TrackPosition {
  lat: number;
  lon: number;
  /** the point at or before the time */
  index: number;
  speed: number | null;
  alt: number | null;
}

/** The index of the last point at or before `t` (0 before the start). */
export function indexAt(track: Track, t: number): number {
  const times = track.time;
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0 || t <= times[0]!) return 0;
  if (t >= times[hi]!) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Where the boat was at time `t`, between the two points around it (linear in time). */
export function positionAt(track: Track, t: number): TrackPosition {
  const i = indexAt(track, t);
  const j = Math.min(i + 1, track.time.length - 1);
  const t0 = track.time[i]!;
  const t1 = track.time[j]!;
  const f = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
  const lerp = (a: number, b: number) => a + (b - a) * f;
  return {
    lat: lerp(track.lat[i]!, track.lat[j]!),
    lon: lerp(track.lon[i]!, track.lon[j]!),
    index: i,
    speed: track.speed[j === i ? i : j] ?? null,
    alt: track.alt[i] ?? null,
  };
}
