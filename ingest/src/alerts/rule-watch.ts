import type { Logger } from "pino";
import type { StoredFix } from "../fix.ts";
import type { Awaitable, Store } from "../store/store.ts";
import { distanceM } from "../trips/geodesic.ts";
import { refreshTrips } from "../trips/refresh-trips.ts";
import type { TripOptions } from "../trips/trip.ts";
import type { AlertKind } from "./alert.ts";
import type { AlertRules, Area } from "./alert-rules.ts";
import type { Notifier } from "./notifier.ts";

/** A rule's alert is not raised again until this long after it cleared: a flapping rule cannot flood anyone. */
export const RULE_COOLDOWN_MS = 10 * 60_000;
/** A standing tracker keeps a fix at least every 2 minutes (the sampler's maxIntervalS): a window of fixes may start this late. */
const SLACK_MS = 150_000;

export interface RuleWatchOptions {
  store: Store;
  notifier: Notifier;
  log: Logger;
  /** the trip thresholds in force (stationaryS, stationaryRadiusM: what "ashore" means) */
  tripOptions: () => Awaitable<TripOptions>;
  now?: () => number;
  /** how often every watched device is looked at */
  everyMs?: number;
}

/** Whether a position is in an area. */
export function inArea(area: Area, lat: number, lon: number): boolean {
  if ("circle" in area) return distanceM(area.circle.lat, area.circle.lon, lat, lon) <= area.circle.radiusM;
  // Ray casting over [lon, lat] vertices: areas are small enough for the plane.
  const p = area.polygon;
  let inside = false;
  for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
    const [xi, yi] = p[i]!;
    const [xj, yj] = p[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const hhmm = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;

/**
 * The rules the server watches (alert-rules.ts), looked at for every watched device every few
 * seconds: overdue (no upload for N minutes while a trip is open, or past the planned return),
 * still on the water (within a radius for N minutes while not ashore), out of an area. "Ashore"
 * is what the trip split calls it: within stationaryRadiusM for stationaryS; position alone cannot
 * tell a stop on the water from one on land sooner.
 */
export class RuleWatch {
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running = false;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly o: RuleWatchOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.closed || this.timer) return;
    this.timer = setInterval(() => void this.check(), this.o.everyMs ?? 15_000);
    this.timer.unref();
  }

  /** New fixes arrived: look again within a second (rules that watch positions see them at once). */
  poke(): void {
    if (this.closed || this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.check();
    }, 1000);
    this.soon.unref();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.soon);
  }

  /** Looks at every watched device once (also for tests). */
  async check(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    try {
      const watched = await this.o.store.alerts.watched();
      for (const { deviceId, rules } of watched) {
        try {
          await this.device(deviceId, rules);
        } catch (e) {
          this.o.log.error({ err: e, device: deviceId }, "alerts: cannot check a device's rules");
        }
      }
      // A rule taken away takes its open alert with it.
      for (const a of await this.o.store.alerts.openAlerts()) {
        if (a.source === "rule" && !watched.some((w) => w.deviceId === a.deviceId)) await this.apply(a.deviceId, a.kind, undefined, null);
      }
    } finally {
      this.running = false;
    }
  }

  private async device(deviceId: number, rules: AlertRules): Promise<void> {
    const { store } = this.o;
    const device = await store.getDevice(deviceId);
    if (!device || device.revokedAt !== null) return;
    const now = this.now();
    const last = device.latest;
    const trip = await this.o.tripOptions();
    const tL = last ? last.time * 1000 : 0;
    const span = Math.max(trip.stationaryS * 1000, (rules.stillMin ?? 0) * 60_000);
    const recent = last ? await store.fixes({ deviceId, from: (tL - span - SLACK_MS) / 1000, to: last.time, limit: 20_000 }) : [];
    /** all the fixes of the last `ms` before the latest within `radiusM` of it, and the window covered */
    const stayed = (ms: number, radiusM: number) => {
      const w = recent.filter((f) => f.time * 1000 >= tL - ms);
      return !!last && w.length > 0 && w[0]!.time * 1000 <= tL - ms + SLACK_MS && w.every((f) => distanceM(f.lat, f.lon, last.lat, last.lon) <= radiusM);
    };
    const ashore = !last || stayed(trip.stationaryS * 1000, trip.stationaryRadiusM);
    // A trip is open while the boat was last seen on the water, however long ago: a boat that went
    // silent out there stays overdue until it is heard of again.
    const tripOpen = !ashore;

    // Overdue: silent too long while out, or not back by the planned time.
    let overdue: string | undefined;
    const lastSeen = device.lastSeenAt ?? 0;
    if (rules.overdueMin !== null && tripOpen && now - lastSeen > rules.overdueMin * 60_000) {
      overdue = `No upload for ${Math.round((now - lastSeen) / 60_000)} min while on the water (the last at ${hhmm(lastSeen)}).`;
    }
    if (rules.returnBy !== null && now > rules.returnBy) {
      // Back: ashore after a trip that ended since the plan's return time drew near.
      await refreshTrips(store, deviceId, trip);
      const back = ashore && (await store.trips(deviceId)).some((t) => t.end * 1000 > rules.returnBy! - 24 * 3600_000);
      if (back) {
        await store.alerts.setRules(deviceId, { ...rules, returnBy: null });
      } else overdue ??= `Not back by ${hhmm(rules.returnBy)}, the planned return.`;
    }
    await this.apply(deviceId, "overdue", overdue, last);

    // Still on the water: within the radius for stillMin, and not (yet) ashore.
    if (rules.stillMin === null) await this.apply(deviceId, "still", undefined, last);
    else {
      const open = (await store.alerts.openAlerts(deviceId)).find((a) => a.kind === "still");
      if (open && last && open.lat !== null && open.lon !== null) {
        if (distanceM(open.lat, open.lon, last.lat, last.lon) > rules.stillRadiusM) await this.apply(deviceId, "still", undefined, last);
      } else if (!open && tripOpen && stayed(rules.stillMin * 60_000, rules.stillRadiusM)) {
        await this.apply(deviceId, "still", `Within ${rules.stillRadiusM} m for ${rules.stillMin} min while out on the water.`, last);
      }
    }

    // Out of the area.
    const out = rules.area && last ? !inArea(rules.area, last.lat, last.lon) : false;
    await this.apply(deviceId, "area", out ? "Outside the area set for this trip." : undefined, last);
  }

  /**
   * Raises (with `detail`) or clears (undefined) the device's alert of a kind, as of now: a rule's
   * alert is when the server saw it (its fix keeps the fix's own time).
   */
  private async apply(deviceId: number, kind: AlertKind, detail: string | undefined, at: StoredFix | null): Promise<void> {
    const atMs = this.now();
    const alerts = this.o.store.alerts;
    const open = (await alerts.openAlerts(deviceId)).find((a) => a.kind === kind);
    const alert = detail
      ? open
        ? undefined
        : await alerts.raise({ deviceId, kind, source: "rule", atMs, lat: at?.lat ?? null, lon: at?.lon ?? null, fixTime: at?.time ?? null, detail, cooldownMs: RULE_COOLDOWN_MS })
      : open
        ? await alerts.clear(deviceId, kind, Math.max(atMs, open.raisedAt))
        : undefined;
    if (alert) {
      this.o.log.warn({ device: deviceId, alert: alert.id, kind, state: detail ? "raised" : "cleared" }, "alert");
      this.o.notifier.wake();
    }
  }
}
