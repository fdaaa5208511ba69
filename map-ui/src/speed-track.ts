import L from "leaflet";
import { SPEED_BANDS, speedBand, UNKNOWN_SPEED_COLOR } from "./speed-scale.ts";
import type { Track } from "./track.ts";
import { TRACK_PANE } from "./map-view.ts";

/**
 * The track coloured by speed: one polyline per run of segments in the same
 * band (so a long trip is a few hundred lines, not thousands), over a white
 * casing that keeps it readable on any background.
 */
export function speedTrackLayer(track: Track): L.LayerGroup {
  const group = L.layerGroup();
  const n = track.time.length;
  const at = (i: number): L.LatLngTuple => [track.lat[i]!, track.lon[i]!];
  const all: L.LatLngTuple[] = [];
  for (let i = 0; i < n; i++) all.push(at(i));
  L.polyline(all, { pane: TRACK_PANE, color: "#ffffff", weight: 8, opacity: 0.85, interactive: false }).addTo(group);

  let start = 0;
  let band = n > 1 ? speedBand(track.speed[1]) : -1;
  const flush = (end: number) => {
    if (end <= start) return;
    const color = band < 0 ? UNKNOWN_SPEED_COLOR : SPEED_BANDS[band]!.color;
    L.polyline(all.slice(start, end + 1), { pane: TRACK_PANE, color, weight: 4, opacity: 1, interactive: false, lineCap: "round" }).addTo(group);
  };
  // Segment i runs from point i-1 to point i and has point i's speed.
  for (let i = 2; i < n; i++) {
    const b = speedBand(track.speed[i]);
    if (b !== band) {
      flush(i - 1);
      start = i - 1;
      band = b;
    }
  }
  flush(n - 1);
  return group;
}

/** Start and end of a track: a green and a chequered-red circle with a tooltip. */
export function endpointMarkers(track: Track, describe: (t: number) => string): L.LayerGroup {
  const group = L.layerGroup();
  const n = track.time.length;
  if (n === 0) return group;
  const marker = (i: number, color: string, label: string) =>
    L.circleMarker([track.lat[i]!, track.lon[i]!], { radius: 8, color: "#ffffff", weight: 3, fillColor: color, fillOpacity: 1 })
      .bindTooltip(`${label} ${describe(track.time[i]!)}`)
      .addTo(group);
  marker(0, "#1a9850", "Start");
  marker(n - 1, "#c51b1b", "End");
  return group;
}

/** The legend of the fixed speed scale, as a map control. */
export function speedLegend(): L.Control {
  const legend = new L.Control({ position: "bottomright" });
  legend.onAdd = () => {
    const div = L.DomUtil.create("div", "legend");
    div.setAttribute("aria-label", "Track colours by speed");
    const title = L.DomUtil.create("div", "legend-title", div);
    title.textContent = "Speed";
    for (const b of SPEED_BANDS) {
      const row = L.DomUtil.create("div", "legend-row", div);
      const swatch = L.DomUtil.create("span", "swatch", row);
      swatch.style.background = b.color;
      row.append(b.label);
    }
    return div;
  };
  return legend;
}

