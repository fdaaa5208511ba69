import type { StoredFix } from "../fix.ts";
import { eachFixPage } from "../store/each-fix.ts";
import type { Store } from "../store/store.ts";
import { DisplayColumns, type DisplayTrack } from "./display-track.ts";
import type { TripOptions, TripStats } from "./trip.ts";
import { TripBuilder } from "./trip-builder.ts";
import { tripOptions } from "./trip-settings.ts";

/** What the API shows of a trip on a map: the simplified line (GeoJSON) and the map's display track. */
export interface TripDisplay {
  line: { type: "LineString"; coordinates: Array<[number, number]> };
  track: DisplayTrack;
}

/** Values kept per view (TripView.kept): a reply at each zoom for a few share links. */
const KEPT_VALUES = 100;

/** Fixes read at a time, when looking for new ones or reading them. */
const PAGE = 5000;

/**
 * A trip's fixes from its start up to a time, held for the map and kept
 * between requests: many friends open one shared trip, and a trip in
 * progress grows at its end. `advance` reads only what came since, so a
 * request costs what changed, not the trip's length (issue 22: a share of a
 * 100,000-fix trip in progress re-read and rebuilt it all per request).
 *
 * A fix stored since the last look inside what is held (a late fix, an
 * import) makes the view read everything again; the store's fix ids, which
 * only grow, tell which fixes are new.
 */
export class TripView {
  private columns = new DisplayColumns();
  private builder: TripBuilder | undefined;
  /** fixes are held up to this time (epoch ms, inclusive) */
  private heldToMs: number;
  /** every fix with a greater id was stored after the held ones were read */
  private seenId = 0;
  private readonly displays = new Map<number, { count: number; display: TripDisplay }>();
  private readonly made = new Map<string, { count: number; value: unknown }>();
  private lastFix: StoredFix | undefined;
  /** the advance running or last run: advances take turns, so none reads what another is adding */
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    readonly deviceId: number,
    readonly fromMs: number,
  ) {
    this.heldToMs = fromMs - 1;
  }

  /** Fixes held. */
  get count(): number {
    return this.columns.length;
  }

  /** The newest fix held. */
  get latest(): StoredFix | undefined {
    return this.lastFix;
  }

  /**
   * Holds the trip's fixes up to `toMs` (epoch ms, inclusive), reading only those stored or
   * uncovered since the last call. A reader meanwhile sees what was held before, or more.
   */
  advance(toMs: number): Promise<void> {
    const run = this.turn.then(() => this.advanceNow(toMs));
    this.turn = run.catch(() => {});
    return run;
  }

  private async advanceNow(toMs: number): Promise<void> {
    let stale = this.builder === undefined || toMs < this.heldToMs;
    for (let page: StoredFix[] = []; !stale && (page = await this.store.fixesAfterId(this.seenId, this.deviceId, PAGE)).length > 0; ) {
      for (const f of page) {
        const ms = Math.round(f.time * 1000);
        if (ms >= this.fromMs && ms <= this.heldToMs) stale = true;
      }
      this.seenId = page.at(-1)!.id;
      if (page.length < PAGE) break;
    }
    if (stale) {
      // Read again beside what is held, and swap at the end: a reply made meanwhile shows the old whole, not a part.
      // The newest id first: a fix stored while the held ones are read is looked at again next time.
      const seenId = await this.store.lastFixId();
      const measure: Partial<TripOptions> = { gapS: Infinity, stationaryS: Infinity, minDistanceM: 0, minDurationS: 0 };
      const builder = new TripBuilder(() => {}, { ...(await tripOptions(this.store)), ...measure });
      const columns = new DisplayColumns();
      const last = await this.read(columns, builder, this.fromMs, toMs);
      Object.assign(this, { seenId, builder, columns, heldToMs: toMs, lastFix: last });
      this.displays.clear();
      this.made.clear();
      return;
    }
    if (toMs <= this.heldToMs) return;
    this.lastFix = (await this.read(this.columns, this.builder!, this.heldToMs + 1, toMs)) ?? this.lastFix;
    this.heldToMs = toMs;
  }

  /** Adds the fixes from `fromMs` to `toMs` to columns and builder; the last one read. */
  private async read(columns: DisplayColumns, builder: TripBuilder, fromMs: number, toMs: number): Promise<StoredFix | undefined> {
    let last: StoredFix | undefined;
    for await (const page of eachFixPage(this.store, { deviceId: this.deviceId, fromMs, toMs }, PAGE)) {
      for (const f of page) {
        columns.append(f);
        builder.add(f);
        last = f;
      }
    }
    return last;
  }

  /** The held fixes measured as one trip (nothing splits it or drops it); undefined while none is held. */
  stats(): TripStats | undefined {
    return this.builder?.current();
  }

  /** The line and display track at a zoom, made again only when fixes were added. */
  display(zoom: number): TripDisplay {
    const kept = this.displays.get(zoom);
    if (kept?.count === this.count) return kept.display;
    const line = this.columns.line(zoom);
    const points = this.columns.points;
    const display: TripDisplay = {
      line: { type: "LineString", coordinates: line.map((i) => [points[i]!.x, points[i]!.y]) },
      track: this.columns.track(zoom, line),
    };
    this.displays.set(zoom, { count: this.count, display });
    return display;
  }

  /**
   * A value made from what the view holds (a reply's text, say), made again
   * only once fixes were added; `key` names it and whatever else it depends on.
   * The last KEPT_VALUES are kept.
   */
  kept<T>(key: string, make: () => T): T {
    const had = this.made.get(key);
    if (had?.count === this.count) return had.value as T;
    const value = make();
    this.made.delete(key);
    this.made.set(key, { count: this.count, value });
    if (this.made.size > KEPT_VALUES) this.made.delete(this.made.keys().next().value!);
    return value;
  }
}

/** Trip views kept, per store: each holds a trip's fixes (about 100 bytes a fix). */
export const TRIP_VIEWS = 16;

const views = new WeakMap<Store, Map<string, TripView>>();

/**
 * The kept view of a device's trip from `fromMs`, for one audience: `lane`
 * tells apart views that show the trip up to different times (the admin sees
 * it all; each share delay sees it that much later), so each only grows.
 */
export function tripView(store: Store, deviceId: number, fromMs: number, lane: string): TripView {
  let kept = views.get(store);
  if (!kept) views.set(store, (kept = new Map()));
  const key = `${deviceId}:${fromMs}:${lane}`;
  let view = kept.get(key);
  if (view) kept.delete(key); // most recently used goes last
  else view = new TripView(store, deviceId, fromMs);
  kept.set(key, view);
  if (kept.size > TRIP_VIEWS) kept.delete(kept.keys().next().value!);
  return view;
}
