import L from "leaflet";
import type { Device, TripSummary } from "../api.ts";
import { h, setChildren } from "../dom.ts";
import { formatDateTime, formatDistance, formatDuration, formatSpeed } from "../format.ts";
import { fit } from "../map-view.ts";
import { shareCreator } from "../share-creator.ts";
import { alertsPanel } from "../alerts-panel.ts";
import type { View } from "../view.ts";
import { deviceFacts } from "./devices-view.ts";

/** A device: its trips with their statistics, newest first, and a share link for its live position. */
export function deviceView(id: number): View {
  return async (ctx) => {
    const [device, { trips }] = await Promise.all([
      ctx.api.get<Device>(`/api/v1/devices/${id}`),
      ctx.api.get<{ trips: TripSummary[] }>(`/api/v1/devices/${id}/trips`),
    ]);
    if (ctx.signal.aborted) return;
    const boxes: L.LatLngTuple[] = [];
    for (const t of trips) {
      const [w, s, e, n] = t.bbox;
      boxes.push([s, w], [n, e]);
      L.rectangle([[s, w], [n, e]], { color: "#0b6e99", weight: 1, fillOpacity: 0.05 })
        .bindTooltip(formatDateTime(Date.parse(t.start) / 1000))
        .on("click", () => (location.hash = `#/trip/${t.id}`))
        .addTo(ctx.layers);
    }
    if (device.latest) boxes.push([device.latest.lat, device.latest.lon]);
    if (boxes.length) fit(ctx.map, L.latLngBounds(boxes), 14);

    const list = [...trips].reverse();
    setChildren(ctx.panel, 
      h("p", { class: "crumbs" }, h("a", { href: "#/" }, "Devices")),
      h("h2", {}, device.name),
      deviceFacts(device),
      h("p", { class: "actions" }, h("a", { class: "button", href: `#/live/${id}` }, "Live trail")),
      h("h3", {}, `Trips (${trips.length})`),
      list.length === 0
        ? h("p", {}, "No trips yet: a trip is at least 200 m and 2 minutes of movement.")
        : h(
            "ol",
            { class: "cards trips", reversed: true },
            ...list.map((t) =>
              h(
                "li",
                { class: "card trip", "data-trip": t.id },
                h("a", { href: `#/trip/${t.id}` }, h("strong", {}, formatDateTime(Date.parse(t.start) / 1000))),
                h(
                  "p",
                  { class: "facts" },
                  `${formatDistance(t.distanceM)} · ${formatDuration(t.durationS)} · avg ${formatSpeed(t.avgMovingSpeed)} · max ${formatSpeed(t.maxSpeed)}`,
                ),
              ),
            ),
          ),
      h("details", { class: "share" }, h("summary", {}, "Share the live position…"), shareCreator(ctx.api, () => ({ device: id }))),
      alertsPanel(ctx.api, id),
    );
  };
}
