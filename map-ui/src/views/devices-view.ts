import L from "leaflet";
import type { Device } from "../api.ts";
import { h, setChildren } from "../dom.ts";
import { formatAgo } from "../format.ts";
import { fit } from "../map-view.ts";
import type { View } from "../view.ts";

const STATUS_TEXT: Record<Device["status"], string> = { online: "online", offline: "offline", new: "never seen", revoked: "revoked" };

/** One line about a device: status, last seen and battery. */
export function deviceFacts(d: Device): HTMLElement {
  return h(
    "p",
    { class: "facts" },
    h("span", { class: `badge status-${d.status}` }, STATUS_TEXT[d.status]),
    " ",
    h("span", { class: "last-seen" }, d.lastSeen ? `last seen ${formatAgo(Date.now() - Date.parse(d.lastSeen))}` : "no upload yet"),
    d.battery === null ? null : h("span", { class: "battery" }, ` · battery ${Math.round(d.battery)} %${d.batteryVolts === null ? "" : ` (${d.batteryVolts.toFixed(2)} V)`}`),
  );
}

/** The start page: every device with its status, and where each was last. */
export const devicesView: View = async (ctx) => {
  const { devices } = await ctx.api.get<{ devices: Device[] }>("/api/v1/devices");
  if (ctx.signal.aborted) return;
  const points: L.LatLngTuple[] = [];
  for (const d of devices) {
    if (!d.latest) continue;
    points.push([d.latest.lat, d.latest.lon]);
    L.circleMarker([d.latest.lat, d.latest.lon], { radius: 8, color: "#fff", weight: 2, fillColor: "#0b6e99", fillOpacity: 1 })
      .bindTooltip(h("span", {}, d.name), { permanent: true, direction: "right" }) // an element: a string would be HTML
      .addTo(ctx.layers);
  }
  if (points.length) fit(ctx.map, L.latLngBounds(points), 14);
  setChildren(ctx.panel, 
    h("h2", {}, "Devices"),
    devices.length === 0
      ? h("p", {}, "No devices yet. Add one with ", h("code", {}, "kayaktrack device add NAME"), ".")
      : h(
          "ul",
          { class: "cards devices" },
          ...devices.map((d) =>
            h(
              "li",
              { class: "card", "data-device": d.id },
              h("h3", {}, h("a", { href: `#/device/${d.id}` }, d.name)),
              deviceFacts(d),
              h("p", { class: "actions" }, h("a", { class: "button", href: `#/device/${d.id}` }, "Trips"), " ", h("a", { class: "button", href: `#/live/${d.id}` }, "Live")),
            ),
          ),
        ),
  );
};
