import type { Logger } from "pino";
import type { Store } from "../store/store.ts";
import type { Alert, AlertSource } from "./alert.ts";
import type { Notifier } from "./notifier.ts";

/** Where an alert was raised: the report's own fix, or else the device's latest. */
export interface AlertPlace {
  /** epoch ms of the report: its last fix's time, or its arrival when it carries none */
  atMs: number;
  fix?: { lat: number; lon: number; time: number };
}

/**
 * Turns what devices report (an SOS, a cancel) into alerts in the store, and wakes the
 * notifier. Each call is idempotent: a report sent twice raises once.
 */
export class AlertEngine {
  constructor(private readonly o: { store: Store; notifier: Notifier; log: Logger }) {}

  /** A device's SOS: standing (`on`) or cancelled. Returns the alert raised or cleared, if any. */
  async sos(deviceId: number, state: "on" | "cancelled", source: AlertSource, place: AlertPlace): Promise<Alert | undefined> {
    const { store, notifier, log } = this.o;
    let alert: Alert | undefined;
    if (state === "on") {
      const fix = place.fix ?? (await store.getDevice(deviceId))?.latest ?? undefined;
      alert = await store.alerts.raise({
        deviceId, kind: "sos", source, atMs: place.atMs, lat: fix?.lat ?? null, lon: fix?.lon ?? null, fixTime: fix?.time ?? null, detail: null,
      });
      if (alert) log.warn({ device: deviceId, alert: alert.id, source }, "SOS raised");
    } else {
      alert = await store.alerts.clear(deviceId, "sos", place.atMs);
      if (alert) log.warn({ device: deviceId, alert: alert.id, source }, "SOS cancelled");
    }
    if (alert) notifier.wake();
    return alert;
  }

  /** Clears an open alert now (the admin's "all is well"); undefined when it was cleared already. */
  async clearAlert(a: Alert): Promise<Alert | undefined> {
    if (a.clearedAt !== null) return undefined;
    const cleared = await this.o.store.alerts.clear(a.deviceId, a.kind, Math.max(Date.now(), a.raisedAt));
    if (cleared) this.o.notifier.wake();
    return cleared;
  }
}
