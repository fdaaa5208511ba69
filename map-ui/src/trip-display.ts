import L from "leaflet";
import type { TripDetail } from "./api.ts";
import { h, setChildren, statList } from "./dom.ts";
import { formatAltitude, formatClock, formatDateTime, formatDistance, formatDuration, formatSpeed } from "./format.ts";
import { fit, nearestPoint } from "./map-view.ts";
import { PLAYBACK_RATES, Playback } from "./playback.ts";
import { ProfileChart } from "./profile-chart.ts";
import { endpointMarkers, speedLegend, speedTrackLayer } from "./speed-track.ts";
import { positionAt } from "./track.ts";
import type { ViewContext } from "./view.ts";

/** A download button: a plain link (share links) or an action (the admin's, which needs the token). */
export type Download = { label: string; href: string } | { label: string; run: () => Promise<void> };

/** The performance mark set once a trip's track is on screen (the browser tests and `pnpm bench:map` wait for it). */
export const TRACK_DRAWN = "kayaktrack:track-drawn";

/**
 * A trip on the map and in the panel: the track coloured by speed with its
 * legend, start and end markers, statistics, downloads, playback and the
 * speed and elevation chart, which follows the pointer over the track.
 */
export function showTrip(
  ctx: ViewContext,
  trip: TripDetail,
  options: { heading: Node[]; downloads: Download[]; extra?: Node[]; detail?: (zoom: number) => Promise<TripDetail> },
): () => void {
  const { map, mapEl, layers, panel } = ctx;
  const track = trip.track;
  const n = track.time.length;

  let line = speedTrackLayer(track).addTo(layers);
  // The API simplifies the track to about a pixel at the zoom asked for; zoomed further in, ask again.
  let lineZoom = trip.zoom;
  const refine = async () => {
    const zoom = Math.min(22, map.getZoom());
    if (!options.detail || zoom <= lineZoom) return;
    lineZoom = zoom;
    try {
      const finer = await options.detail(zoom);
      if (ctx.signal.aborted) return;
      const next = speedTrackLayer(finer.track).addTo(layers);
      line.remove();
      line = next;
    } catch {
      lineZoom = trip.zoom; // keep the coarser line; try again at the next zoom
    }
  };
  const onZoom = () => void refine();
  map.on("zoomend", onZoom);
  endpointMarkers(track, formatClock).addTo(layers);
  const legend = speedLegend().addTo(map);
  const hover = L.circleMarker([0, 0], { radius: 7, color: "#111", weight: 2, fillColor: "#fff", fillOpacity: 1, interactive: false });
  const boat = L.circleMarker([track.lat[0] ?? 0, track.lon[0] ?? 0], { radius: 9, color: "#ffffff", weight: 3, fillColor: "#e4572e", fillOpacity: 1, interactive: false });
  if (n > 0) fit(map, L.latLngBounds(track.lat.map((lat, i) => [lat, track.lon[i]!] as L.LatLngTuple)), 17, true);

  // The chart and the map point at the same place.
  const showHover = (i: number | null) => {
    if (i === null) hover.remove();
    else hover.setLatLng([track.lat[i]!, track.lon[i]!]).addTo(layers);
  };
  const chart = new ProfileChart(track, showHover);
  const onMove = (e: L.LeafletMouseEvent) => {
    const i = nearestPoint(map, track.lat, track.lon, e.containerPoint);
    chart.setCursor(i ?? null);
    showHover(i ?? null);
  };
  map.on("mousemove", onMove);

  // Playback.
  const start = track.time[0] ?? 0;
  const end = track.time[n - 1] ?? 0;
  const play = h("button", { type: "button", class: "play", "aria-pressed": "false" }, "Play");
  const rate = h("select", { "aria-label": "Playback speed" }, ...PLAYBACK_RATES.map((r) => h("option", { value: r, selected: r === 16 }, `${r}×`)));
  const scrubber = h("input", { type: "range", class: "scrubber", min: start, max: end, step: 1, value: start, "aria-label": "Playback position" });
  const clock = h("output", { class: "clock" }, formatClock(start));
  const follow = h("input", { type: "checkbox", checked: true });
  const playback = new Playback(start, end, {
    onTime(t) {
      const p = positionAt(track, t);
      boat.setLatLng([p.lat, p.lon]).addTo(layers);
      scrubber.value = String(Math.round(t));
      clock.textContent = `${formatClock(t)} · ${formatSpeed(p.speed)}`;
      chart.setCursor(p.index);
      mapEl.dataset.playbackTime = String(Math.round(t));
      if (follow.checked && (playback?.playing ?? false)) map.panTo([p.lat, p.lon], { animate: false });
    },
    onState(playing) {
      play.textContent = playing ? "Pause" : "Play";
      play.setAttribute("aria-pressed", String(playing));
      mapEl.dataset.playing = String(playing);
    },
  });
  play.addEventListener("click", () => playback.toggle());
  rate.addEventListener("change", () => playback.setRate(Number(rate.value)));
  scrubber.addEventListener("input", () => playback.seek(Number(scrubber.value)));

  const stats = statList([
    ["Start", formatDateTime(start)],
    ["End", formatDateTime(end)],
    ["Distance", formatDistance(trip.distanceM)],
    ["Duration", formatDuration(trip.durationS)],
    ["Moving", formatDuration(trip.movingS)],
    ["Average moving speed", formatSpeed(trip.avgMovingSpeed)],
    ["Max speed", formatSpeed(trip.maxSpeed)],
    ["Elevation", trip.minAlt === null ? "–" : `${formatAltitude(trip.minAlt)} – ${formatAltitude(trip.maxAlt)}`],
    ["Fixes", trip.fixes.toLocaleString("en")],
  ], { "aria-label": "Trip statistics" });

  // A download that fails (a 401 after the token changed, a 404) says so here.
  const downloadError = h("p", { class: "error", role: "alert", hidden: true });
  const download = (d: { label: string; run: () => Promise<void> }) => () => {
    downloadError.hidden = true;
    d.run().catch((err: unknown) => {
      downloadError.textContent = `${d.label} failed: ${err instanceof Error ? err.message : String(err)}`;
      downloadError.hidden = false;
    });
  };
  const downloads = h(
    "div",
    { class: "downloads", role: "group", "aria-label": "Downloads" },
    ...options.downloads.map((d) =>
      "href" in d
        ? h("a", { class: "button", href: d.href, download: "" }, d.label)
        : h("button", { type: "button", onclick: download(d) }, d.label),
    ),
    downloadError,
  );

  setChildren(panel, 
    ...options.heading,
    stats,
    downloads,
    h("section", { class: "playback", "aria-label": "Playback" }, h("div", { class: "row" }, play, rate, clock), scrubber, h("label", { class: "switch" }, follow, " Follow the boat")),
    chart.element,
    ...(options.extra ?? []),
  );

  mapEl.dataset.trackPoints = String(n);
  requestAnimationFrame(() => {
    if (!ctx.signal.aborted) performance.mark(TRACK_DRAWN, { detail: { trip: trip.id, points: n } });
  });

  return () => {
    playback.pause();
    chart.destroy();
    legend.remove();
    map.off("mousemove", onMove);
    map.off("zoomend", onZoom);
    for (const key of ["trackPoints", "playbackTime", "playing"]) delete mapEl.dataset[key];
  };
}
