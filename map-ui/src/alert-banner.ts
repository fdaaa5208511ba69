import L from "leaflet";
import type { Alert } from "./api.ts";
import { h, setChildren } from "./dom.ts";
import { formatDateTime } from "./format.ts";

type Shown = Pick<Alert, "kind" | "raisedAt" | "acknowledgedAt" | "detail"> & { id?: number };

const WORDS: Record<Alert["kind"], string> = { sos: "SOS", overdue: "Overdue", still: "Not moving", area: "Out of the area" };

/** "SOS since 14:32" (the date too when it is not today), local time. */
export function alertLine(a: Shown, now = new Date()): string {
  const at = new Date(a.raisedAt);
  const p = (n: number) => String(n).padStart(2, "0");
  const clock = `${p(at.getHours())}:${p(at.getMinutes())}`;
  const when = at.toDateString() === now.toDateString() ? clock : formatDateTime(at.getTime() / 1000);
  return `${WORDS[a.kind]} since ${when}`;
}

export interface AlertBannerOptions {
  map: L.Map;
  /** the open alerts now, and where to mark an SOS (the boat's latest position) */
  load: () => Promise<{ alerts: Shown[]; sos: { position: { lat: number; lon: number } | null } | null }>;
  /** buttons for an alert (the admin's acknowledge and clear) */
  actions?: (a: Shown, refresh: () => void) => HTMLElement[];
  everyMs?: number;
}

/**
 * The alert banner of the live view and of share links: asks every few seconds (5 s: an SOS shows
 * within 10 s of its batch), lists the open alerts, and marks an SOS's position on the map.
 */
export class AlertBanner {
  readonly element = h("div", { class: "alert-banner", role: "alert", hidden: true });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private marker: L.CircleMarker | undefined;
  private closed = false;

  constructor(private readonly o: AlertBannerOptions) {
    void this.refresh();
  }

  destroy(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.marker?.remove();
  }

  private async refresh(): Promise<void> {
    clearTimeout(this.timer);
    try {
      const { alerts, sos } = await this.o.load();
      if (this.closed) return;
      this.element.hidden = alerts.length === 0;
      this.element.classList.toggle("sos", alerts.some((a) => a.kind === "sos"));
      this.element.dataset.alerts = alerts.map((a) => a.kind).join(" ");
      const again = () => void this.refresh();
      setChildren(
        this.element,
        ...alerts.map((a) =>
          h(
            "p",
            { class: `alert ${a.kind}` },
            h("strong", {}, alertLine(a)),
            a.detail ? ` ${a.detail}` : "",
            a.acknowledgedAt ? h("span", { class: "note" }, " (acknowledged)") : "",
            ...(this.o.actions ? this.o.actions(a, again) : []),
          ),
        ),
      );
      const where = sos?.position;
      if (where) {
        if (!this.marker) {
          this.marker = L.circleMarker([where.lat, where.lon], { radius: 12, color: "#b00020", weight: 3, fillOpacity: 0.3 }).bindTooltip("SOS").addTo(this.o.map);
          // The first sight of an SOS: the map goes to it.
          this.o.map.setView([where.lat, where.lon], Math.max(this.o.map.getZoom(), 14));
        }
        this.marker.setLatLng([where.lat, where.lon]);
        // Where the map marks the SOS (the marker is drawn on a canvas: tests read it here).
        this.element.dataset.sosAt = `${where.lat},${where.lon}`;
      } else {
        delete this.element.dataset.sosAt;
        this.marker?.remove();
        this.marker = undefined;
      }
    } catch {
      // The next try shows it; the trail's own state says when the server is away.
    }
    if (!this.closed) this.timer = setTimeout(() => void this.refresh(), this.o.everyMs ?? 5000);
  }
}
