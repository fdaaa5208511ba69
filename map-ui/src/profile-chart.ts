import { h } from "./dom.ts";
import { formatAltitude, formatClock, formatSpeed } from "./format.ts";
import { speedColor } from "./speed-scale.ts";
import { indexAt, type Track } from "./track.ts";

const PAD = { left: 44, right: 44, top: 22, bottom: 20 };

/**
 * Speed (coloured as on the map, left axis, km/h) and elevation (grey area,
 * right axis, m) over time, drawn on a canvas. The cursor follows the mouse or
 * a finger, or the arrow keys when the chart has focus, and reports the point
 * under it; the map and playback set it with setCursor.
 */
export class ProfileChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  private readonly base = document.createElement("canvas");
  private readonly observer: ResizeObserver;
  private cursor: number | null = null;
  private width = 0;
  private readonly height = 150;
  private readonly t0: number;
  private readonly t1: number;
  private readonly maxKmh: number;
  private readonly altRange: [number, number] | undefined;

  constructor(
    private readonly track: Track,
    private readonly onCursor: (index: number | null) => void,
  ) {
    this.t0 = track.time[0] ?? 0;
    this.t1 = Math.max(this.t0 + 1, track.time[track.time.length - 1] ?? 0);
    const speeds = track.speed.filter((v): v is number => v !== null);
    this.maxKmh = niceCeil(Math.max(1, ...speeds.map((v) => v * 3.6)));
    const alts = track.alt.filter((v): v is number => v !== null);
    this.altRange = alts.length ? [Math.floor(Math.min(...alts)), Math.ceil(Math.max(...alts, Math.min(...alts) + 1))] : undefined;

    this.canvas = h("canvas", {
      class: "chart-canvas",
      tabindex: 0,
      role: "slider",
      "aria-label": "Speed and elevation over time; arrow keys move along the trip",
      "aria-valuemin": 0,
      "aria-valuemax": Math.max(0, track.time.length - 1),
    });
    this.readout = h("p", { class: "chart-readout", "aria-live": "polite" }, "Point at the chart or the track");
    this.element = h("figure", { class: "chart" }, this.canvas, h("figcaption", {}, this.readout));

    this.canvas.addEventListener("pointermove", (e) => this.pick(this.indexAtX(e.offsetX)));
    this.canvas.addEventListener("pointerdown", (e) => this.pick(this.indexAtX(e.offsetX)));
    this.canvas.addEventListener("pointerleave", () => this.pick(null));
    this.canvas.addEventListener("keydown", (e) => this.key(e));
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(this.element);
  }

  /** Puts the cursor on a point (or removes it) without reporting back. */
  setCursor(index: number | null): void {
    this.cursor = index;
    this.paint();
  }

  destroy(): void {
    this.observer.disconnect();
  }

  private pick(index: number | null): void {
    this.setCursor(index);
    this.onCursor(index);
  }

  private key(e: KeyboardEvent): void {
    const n = this.track.time.length;
    const step = Math.max(1, Math.round(n / 100));
    const at = this.cursor ?? 0;
    const next = { ArrowRight: at + step, ArrowLeft: at - step, ArrowUp: at + step * 10, ArrowDown: at - step * 10, Home: 0, End: n - 1 }[e.key];
    if (next === undefined) {
      if (e.key === "Escape") this.pick(null);
      return;
    }
    e.preventDefault();
    this.pick(Math.max(0, Math.min(n - 1, next)));
  }

  private indexAtX(x: number): number {
    const f = (x - PAD.left) / Math.max(1, this.width - PAD.left - PAD.right);
    return indexAt(this.track, this.t0 + Math.max(0, Math.min(1, f)) * (this.t1 - this.t0));
  }

  private x(t: number): number {
    return PAD.left + ((t - this.t0) / (this.t1 - this.t0)) * (this.width - PAD.left - PAD.right);
  }

  private resize(): void {
    const width = Math.round(this.element.clientWidth);
    if (width === this.width || width === 0) return;
    this.width = width;
    const ratio = window.devicePixelRatio || 1;
    for (const c of [this.canvas, this.base]) {
      c.width = Math.round(width * ratio);
      c.height = Math.round(this.height * ratio);
    }
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${this.height}px`;
    this.drawBase(ratio);
    this.paint();
  }

  /** Axes, elevation and speed, drawn once a size into an offscreen canvas. */
  private drawBase(ratio: number): void {
    const g = this.base.getContext("2d");
    if (!g) return;
    const { track, height } = this;
    const bottom = height - PAD.bottom;
    const plotH = bottom - PAD.top;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, this.width, height);
    g.font = "11px system-ui, sans-serif";
    g.fillStyle = "#555";
    g.strokeStyle = "#ddd";
    g.lineWidth = 1;
    for (let k = 0; k <= 4; k++) {
      const y = bottom - (k / 4) * plotH;
      g.beginPath();
      g.moveTo(PAD.left, y + 0.5);
      g.lineTo(this.width - PAD.right, y + 0.5);
      g.stroke();
      g.textAlign = "right";
      g.fillText(`${Math.round((this.maxKmh * k) / 4)}`, PAD.left - 6, y + 4);
      if (this.altRange) {
        const [lo, hi] = this.altRange;
        g.textAlign = "left";
        g.fillText(`${Math.round(lo + ((hi - lo) * k) / 4)}`, this.width - PAD.right + 6, y + 4);
      }
    }
    g.textAlign = "left";
    g.fillText("km/h", 4, 11);
    g.textAlign = "right";
    if (this.altRange) g.fillText("m", this.width - 4, 11);
    g.textAlign = "left";
    g.fillText(formatClock(this.t0), PAD.left, height - 5);
    g.textAlign = "right";
    g.fillText(formatClock(this.t1), this.width - PAD.right, height - 5);

    const n = track.time.length;
    if (this.altRange) {
      const [lo, hi] = this.altRange;
      g.beginPath();
      g.moveTo(this.x(track.time[0]!), bottom);
      for (let i = 0; i < n; i++) {
        const a = track.alt[i];
        if (a !== null && a !== undefined) g.lineTo(this.x(track.time[i]!), bottom - ((a - lo) / (hi - lo)) * plotH);
      }
      g.lineTo(this.x(track.time[n - 1]!), bottom);
      g.closePath();
      g.fillStyle = "rgba(120, 120, 120, 0.25)";
      g.fill();
    }
    g.lineWidth = 2;
    g.lineJoin = "round";
    const y = (i: number) => bottom - (((track.speed[i] ?? 0) * 3.6) / this.maxKmh) * plotH;
    for (let i = 1; i < n; i++) {
      if (track.speed[i] === null) continue;
      g.strokeStyle = speedColor(track.speed[i]);
      g.beginPath();
      g.moveTo(this.x(track.time[i - 1]!), y(i));
      g.lineTo(this.x(track.time[i]!), y(i));
      g.stroke();
    }
  }

  private paint(): void {
    const g = this.canvas.getContext("2d");
    if (!g || this.width === 0) return;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, this.canvas.width, this.canvas.height);
    g.drawImage(this.base, 0, 0);
    const i = this.cursor;
    if (i === null || i >= this.track.time.length) {
      this.canvas.removeAttribute("aria-valuenow");
      return;
    }
    const ratio = window.devicePixelRatio || 1;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    const x = Math.round(this.x(this.track.time[i]!)) + 0.5;
    g.strokeStyle = "#111";
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(x, PAD.top);
    g.lineTo(x, this.height - PAD.bottom);
    g.stroke();
    const text = `${formatClock(this.track.time[i]!)} · ${formatSpeed(this.track.speed[i])} · ${formatAltitude(this.track.alt[i])}`;
    this.readout.textContent = text;
    this.canvas.setAttribute("aria-valuenow", String(i));
    this.canvas.setAttribute("aria-valuetext", text);
  }
}

/** 1, 2, 5, 10, 20, 50 … at or above v */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
