import L from "leaflet";
import type { Fix } from "./api.ts";
import { h } from "./dom.ts";
import { formatAgo, formatClock, formatSpeed } from "./format.ts";
import type { LiveState } from "./live-stream.ts";

const STATE_TEXT: Record<LiveState, string> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "connection lost, reconnecting…",
  ended: "ended",
};

/**
 * A device's trail as it grows: the line of its fixes, a marker at the newest,
 * "last update N s ago" (the newest fix's own time), the stream's state and a
 * follow switch that keeps the newest fix in view.
 */
export class LiveTrail {
  readonly element: HTMLElement;
  private readonly line: L.Polyline;
  private readonly head: L.CircleMarker;
  private readonly times: number[] = [];
  private readonly ago: HTMLElement;
  private readonly state: HTMLElement;
  private readonly position: HTMLElement;
  private readonly follow: HTMLInputElement;
  private readonly ticker: ReturnType<typeof setInterval>;
  /** the time of a last known fix shown without a trail (showLast) */
  private shownOnly: number | undefined;

  constructor(
    private readonly map: L.Map,
    layers: L.LayerGroup,
    private readonly mapEl: HTMLElement,
  ) {
    this.line = L.polyline([], { color: "#0b6e99", weight: 4, opacity: 0.9, interactive: false }).addTo(layers);
    this.head = L.circleMarker([0, 0], { radius: 9, color: "#ffffff", weight: 3, fillColor: "#e4572e", fillOpacity: 1 });
    this.head.addTo(layers).setStyle({ opacity: 0, fillOpacity: 0 });
    this.ago = h("span", { class: "ago" }, "no position yet");
    this.state = h("span", { class: "state" }, STATE_TEXT.connecting);
    this.position = h("span", { class: "position" });
    this.follow = h("input", { type: "checkbox", checked: true, onchange: () => this.follow.checked && this.panToHead() });
    this.element = h(
      "div",
      { class: "live" },
      h("p", { class: "live-status", "aria-live": "polite" }, "Last update ", this.ago, " · ", this.state),
      h("p", {}, this.position),
      h("label", { class: "switch" }, this.follow, " Follow"),
    );
    this.ticker = setInterval(() => this.tick(), 1000);
    this.mapEl.dataset.trailPoints = "0";
  }

  /** Adds fixes (any order); the newest stays at the head. */
  add(fixes: Fix[]): void {
    if (fixes.length === 0) return;
    const latlngs = this.line.getLatLngs() as L.LatLng[];
    for (const f of fixes) {
      const last = this.times[this.times.length - 1];
      if (last === undefined || f.time > last) {
        this.times.push(f.time);
        latlngs.push(L.latLng(f.lat, f.lon));
      } else if (f.time < last) {
        // A late fix goes in its place in time.
        let i = this.times.length;
        while (i > 0 && this.times[i - 1]! > f.time) i--;
        if (this.times[i - 1] === f.time) continue;
        this.times.splice(i, 0, f.time);
        latlngs.splice(i, 0, L.latLng(f.lat, f.lon));
      }
    }
    this.line.setLatLngs(latlngs);
    const newest = fixes.reduce((a, b) => (b.time > a.time ? b : a));
    if (newest.time >= this.times[this.times.length - 1]!) this.showHead(newest);
    this.shownOnly = undefined;
    this.mapEl.dataset.trailPoints = String(this.times.length);
    this.tick();
    if (this.follow.checked) this.panToHead();
  }

  /**
   * Shows a last known fix (older than the trail's window) at the head, with
   * its time, but not as part of the trail: the next fix starts a new line
   * rather than one drawn across the days between.
   */
  showLast(fix: Fix): void {
    this.showHead(fix);
    this.shownOnly = fix.time;
    this.tick();
  }

  /** The newest fix's time in epoch ms, the resume point of a share's stream. */
  get newestMs(): number | undefined {
    const t = this.times[this.times.length - 1];
    return t === undefined ? undefined : Math.round(t * 1000);
  }

  bounds(): L.LatLngBounds {
    return this.line.getBounds();
  }

  setState(state: LiveState, detail?: string): void {
    this.state.textContent = detail ? `${STATE_TEXT[state]}: ${detail}` : STATE_TEXT[state];
    this.mapEl.dataset.live = state;
  }

  destroy(): void {
    clearInterval(this.ticker);
    delete this.mapEl.dataset.trailPoints;
    delete this.mapEl.dataset.live;
  }

  private showHead(f: Fix): void {
    this.head.setLatLng([f.lat, f.lon]).setStyle({ opacity: 1, fillOpacity: 1 });
    this.position.textContent = `${formatClock(f.time)} · ${formatSpeed(f.speed)}${f.battery === null ? "" : ` · battery ${Math.round(f.battery)} %`}`;
  }

  private panToHead(): void {
    if (this.times.length === 0) return;
    const at = this.head.getLatLng();
    if (this.map.getZoom() < 13) this.map.setView(at, 15, { animate: false });
    else this.map.panTo(at, { animate: true });
  }

  private tick(): void {
    const t = this.times[this.times.length - 1] ?? this.shownOnly;
    if (t !== undefined) this.ago.textContent = formatAgo(Date.now() - t * 1000);
  }
}
