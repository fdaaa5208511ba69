import type { Fix } from "../fix.ts";
import { distanceM } from "./geodesic.ts";
import { defaultTripOptions, type TripOptions, type TripStats } from "./trip.ts";

type Point = Pick<Fix, "time" | "lat" | "lon" | "alt">;

/** Running statistics of the trip being built; copied when a stationary spell may begin. */
class Running {
  fixes = 0;
  start = 0;
  end = 0;
  distanceM = 0;
  movingS = 0;
  movingM = 0;
  maxSpeed: number | null = null;
  minAlt: number | null = null;
  maxAlt: number | null = null;
  bbox: [number, number, number, number] = [180, 90, -180, -90];
  /** the last fix that passed the speed test, and how many have */
  last: Point | undefined;
  good = 0;
  /** the latest fixes that failed it, each within the speed limit of the one before (see rejected) */
  run: Point[] = [];
  /** the trip as it was before it started again from such a run (which it counted already), in case the run was the glitch */
  replaced: { trip: Running; run: number } | undefined;
  /** recent good fixes as [time, distance so far], for the windowed maximum speed */
  window: Array<[number, number]> = [];

  copy(): Running {
    const c = Object.assign(new Running(), this);
    c.bbox = [...this.bbox];
    c.window = this.window.slice();
    c.run = this.run.slice();
    return c;
  }

  stats(): TripStats {
    return {
      fixes: this.fixes,
      start: this.start,
      end: this.end,
      distanceM: this.distanceM,
      durationS: this.end - this.start,
      movingS: this.movingS,
      avgMovingSpeed: this.movingS > 0 ? this.movingM / this.movingS : null,
      maxSpeed: this.maxSpeed,
      minAlt: this.minAlt,
      maxAlt: this.maxAlt,
      bbox: this.bbox,
    };
  }
}

/** Agreeing fixes after a trip's first that show the first was a spike (TripBuilder.rejected). */
const RESTART_AFTER = 3;

/**
 * Splits a device's fixes, fed in time order, into trips and measures each,
 * holding only the trip being built (so a million fixes stream through).
 * A trip ends at a pause longer than gapS, or when the boat stays within
 * stationaryRadiusM for stationaryS: it then ends where the boat stopped, and
 * the next trip starts from the last fix before the boat moves off.
 */
export class TripBuilder {
  private readonly o: TripOptions;
  private trip: Running | undefined;
  /** where a possible stationary spell began, and the trip as it was then */
  private anchor: { fix: Point; at: Running } | undefined;
  /** ashore: the last fix seen within the radius of the anchor */
  private parked: Point | undefined;

  constructor(
    private readonly emit: (trip: TripStats) => void,
    options: Partial<TripOptions> = {},
  ) {
    this.o = { ...defaultTripOptions, ...options };
  }

  add(f: Point): void {
    const last = this.trip?.end ?? this.parked?.time;
    if (last !== undefined && f.time - last > this.o.gapS) {
      this.close();
      this.parked = undefined;
    }
    if (this.parked) {
      if (distanceM(this.anchor!.fix.lat, this.anchor!.fix.lon, f.lat, f.lon) <= this.o.stationaryRadiusM) {
        this.parked = f;
        return;
      }
      const from = this.parked;
      this.parked = undefined;
      this.begin(from);
    }
    if (!this.trip) this.begin(f);
    else this.extend(f);
  }

  /** The trip being built as it stands, without ending it (undefined between trips). */
  current(): TripStats | undefined {
    return this.trip?.stats();
  }

  /** What finish() would emit now, without ending anything: more fixes may follow. */
  pending(): TripStats | undefined {
    const t = this.trip;
    return t && this.long(t) ? t.stats() : undefined;
  }

  /**
   * The earliest time (epoch s) from which trips may still change with more
   * fixes: the trip being built (or the one it may go back to), or where the
   * boat waits ashore; undefined when neither.
   */
  openSince(): number | undefined {
    const starts = [this.trip?.start, this.trip?.replaced?.trip.start, this.parked?.time].filter((t) => t !== undefined);
    return starts.length ? Math.min(...starts) : undefined;
  }

  /** Ends the trip being built (at the end of the fixes). */
  finish(): void {
    this.close();
    this.parked = undefined;
  }

  private begin(f: Point): void {
    this.anchor = undefined;
    this.trip = new Running();
    this.trip.start = f.time;
    this.extend(f);
  }

  private extend(f: Point): void {
    const t = this.trip!;
    t.fixes++;
    t.end = f.time;
    const prev = t.last;
    if (prev) {
      const d = distanceM(prev.lat, prev.lon, f.lat, f.lon);
      if (!this.plausible(prev, f, d)) return this.rejected(t, f); // a GPS spike: left out of every statistic
      const dt = f.time - prev.time;
      t.distanceM += d;
      if (d / dt >= this.o.movingSpeed) {
        t.movingS += dt;
        t.movingM += d;
      }
    }
    t.last = f;
    t.good++;
    t.run = [];
    t.replaced = undefined; // a good fix after the run: it was no glitch
    this.measure(t, f);
    this.watchStationary(f);
  }

  /**
   * A fix too fast from the last good one. When the trip's first fix was the
   * spike (a receiver's first fix can be kilometres off), every later fix
   * looks like one and the whole trip would be lost: so when at least
   * RESTART_AFTER fixes in a row agree with each other, and they outnumber the
   * good fixes before them, the trip starts again from them.
   */
  private rejected(t: Running, f: Point): void {
    const before = t.replaced?.trip;
    if (before && this.plausible(before.last!, f)) {
      // The run it started again from was the glitch after all: back to the trip before it, the fixes since counted as outliers.
      before.fixes += t.fixes - t.replaced!.run - 1; // less the run (counted there already) and f (extend counts it)
      this.trip = before;
      this.anchor = undefined;
      this.extend(f);
      return;
    }
    const p = t.run[t.run.length - 1];
    if (p && !this.plausible(p, f)) t.run = [];
    t.run.push(f);
    if (t.run.length >= RESTART_AFTER && t.run.length > t.good) {
      const run = t.run;
      this.begin(run[0]!);
      for (const g of run.slice(1)) this.extend(g);
      this.trip!.replaced = { trip: t, run: run.length };
    }
  }

  /** Whether `f` could follow `p`: later, and no faster than outlierSpeed (`d`, their distance, when known already). */
  private plausible(p: Point, f: Point, d = distanceM(p.lat, p.lon, f.lat, f.lon)): boolean {
    return f.time > p.time && d / (f.time - p.time) <= this.o.outlierSpeed;
  }

  private measure(t: Running, f: Point): void {
    if (f.alt !== null) {
      t.minAlt = t.minAlt === null ? f.alt : Math.min(t.minAlt, f.alt);
      t.maxAlt = t.maxAlt === null ? f.alt : Math.max(t.maxAlt, f.alt);
    }
    const b = t.bbox;
    b[0] = Math.min(b[0], f.lon);
    b[1] = Math.min(b[1], f.lat);
    b[2] = Math.max(b[2], f.lon);
    b[3] = Math.max(b[3], f.lat);
    // Fastest span of at least speedWindowS: short spans magnify position noise.
    const w = t.window;
    w.push([f.time, t.distanceM]);
    while (w.length > 1 && f.time - w[1]![0] >= this.o.speedWindowS) w.shift();
    const span = f.time - w[0]![0];
    if (span >= this.o.speedWindowS) {
      const v = (t.distanceM - w[0]![1]) / span;
      if (t.maxSpeed === null || v > t.maxSpeed) t.maxSpeed = v;
    }
  }

  private watchStationary(f: Point): void {
    const a = this.anchor;
    if (!a || distanceM(a.fix.lat, a.fix.lon, f.lat, f.lon) > this.o.stationaryRadiusM) {
      this.anchor = { fix: f, at: this.trip!.copy() };
    } else if (f.time - a.fix.time >= this.o.stationaryS) {
      // Ashore: the trip ended where the boat stopped.
      this.trip = a.at;
      this.close();
      this.parked = f;
      this.anchor = a;
    }
  }

  private close(): void {
    const t = this.trip;
    this.trip = undefined;
    if (t && this.long(t)) this.emit(t.stats());
  }

  /** Long enough to be a trip. */
  private long(t: Running): boolean {
    return t.distanceM >= this.o.minDistanceM && t.end - t.start >= this.o.minDurationS;
  }
}

/** All trips of fixes given in time order. */
export function splitTrips(fixes: Iterable<Point>, options: Partial<TripOptions> = {}): TripStats[] {
  const trips: TripStats[] = [];
  const b = new TripBuilder((t) => trips.push(t), options);
  for (const f of fixes) b.add(f);
  b.finish();
  return trips;
}
