import L from "leaflet";
import type { MapConfig } from "./api.ts";

/** The map pane of the tracks (its own canvas, below the overlay pane of markers). */
export const TRACK_PANE = "tracks";

/**
 * The one Leaflet map of the page. Tracks draw on the canvas renderer; tiles
 * are only a background, so when they fail (offline) the track still draws
 * on the map's plain background colour.
 */
export function createMap(el: HTMLElement, config: MapConfig): L.Map {
  const map = L.map(el, { preferCanvas: true, zoomControl: true, keyboard: true, worldCopyJump: true });
  L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 19, crossOrigin: true }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  // Tracks draw under the markers, whatever was added last (a finer track replaces a coarse one).
  map.createPane(TRACK_PANE).style.zIndex = "390";
  map.setView([20, 0], 2);
  const mark = () => {
    el.dataset.zoom = String(map.getZoom());
  };
  map.on("zoomend", mark);
  mark();
  return map;
}

/** Fits the map to bounds, with room for the controls (and the legend at the bottom right, when `legend`). */
export function fit(map: L.Map, bounds: L.LatLngBounds, maxZoom = 17, legend = false): void {
  if (!bounds.isValid()) return;
  map.fitBounds(bounds, { paddingTopLeft: [48, 24], paddingBottomRight: [legend ? 130 : 24, 24], maxZoom, animate: false });
}

/** The index of the track point nearest to a container point, if within `radius` pixels. */
export function nearestPoint(map: L.Map, lat: number[], lon: number[], at: L.Point, radius = 24): number | undefined {
  let best: number | undefined;
  let bestD = radius * radius;
  for (let i = 0; i < lat.length; i++) {
    const p = map.latLngToContainerPoint([lat[i]!, lon[i]!]);
    const d = (p.x - at.x) ** 2 + (p.y - at.y) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
