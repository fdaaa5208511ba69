import L from "leaflet";
import type { Alert, Api, Device, Fix, FixFeature } from "../api.ts";
import { AlertBanner } from "../alert-banner.ts";
import { alertActions } from "../alert-actions.ts";
import { h, setChildren } from "../dom.ts";
import { fit } from "../map-view.ts";
import { LiveStream } from "../live-stream.ts";
import { LiveTrail } from "../live-trail.ts";
import type { View } from "../view.ts";
import { deviceFacts } from "./devices-view.ts";

/** How much of the past the live view shows. */
const WINDOW_S = 24 * 3600;

/** A device's fixes from a time on, every page of them. */
async function fixesSince(api: Api, device: number, from: number): Promise<Fix[]> {
  const fixes: Fix[] = [];
  let next: string | null = `/api/v1/devices/${device}/fixes?from=${from}&limit=10000`;
  while (next) {
    const page: { features: FixFeature[]; next: string | null } = await api.get(next);
    for (const f of page.features) {
      const [lon, lat, alt] = f.geometry.coordinates as [number, number, number?];
      fixes.push({ id: f.id, ...f.properties, lat, lon, alt: alt ?? null });
    }
    next = page.next;
  }
  return fixes;
}

/** The admin's live view of a device: the last day's trail, growing from the live stream. */
export function liveView(id: number): View {
  return async (ctx) => {
    const device = await ctx.api.get<Device>(`/api/v1/devices/${id}`);
    const fixes = await fixesSince(ctx.api, id, Math.floor(Date.now() / 1000) - WINDOW_S);
    if (ctx.signal.aborted) return;
    const trail = new LiveTrail(ctx.map, ctx.layers, ctx.mapEl);
    trail.add(fixes);
    // Nothing in the last day: the last known position still shows where the boat is.
    if (fixes.length === 0 && device.latest) trail.showLast(device.latest);
    if (fixes.length > 1) fit(ctx.map, trail.bounds(), 16);
    else if (device.latest) ctx.map.setView(L.latLng(device.latest.lat, device.latest.lon), 14, { animate: false });

    // Resume after the newest fix read, so nothing stored meanwhile is missed (a loop: a day of ids overflows Math.max's arguments).
    let lastId = device.latest?.id ?? 0;
    for (const f of fixes) if (f.id > lastId) lastId = f.id;
    const token = encodeURIComponent(ctx.token ?? "");
    const stream = new LiveStream({
      url: (after) => `/api/v1/live?device=${id}&access_token=${token}&since=${after ?? lastId}`,
      // The stream sends every new fix, late ones too (an import, a phone's backlog): only the window's go on the trail.
      onFix: (f) => {
        if (f.time >= Date.now() / 1000 - WINDOW_S) trail.add([f]);
      },
      onState: (s, detail) => trail.setState(s, detail),
    });
    // The planned route (`kayaktrack trip plan --route FILE.gpx`), dashed under the trail.
    const plan = await ctx.api.get<{ route: Array<[number, number]> | null }>(`/api/v1/devices/${id}/alert-rules`).catch(() => ({ route: null }));
    if (plan.route) L.polyline(plan.route.map(([lon, lat]) => [lat, lon] as L.LatLngTuple), { color: "#555", weight: 2, dashArray: "6 6", interactive: false }).addTo(ctx.layers);
    const banner = new AlertBanner({
      map: ctx.map,
      load: async () => {
        const open = (await ctx.api.get<{ alerts: Alert[] }>(`/api/v1/devices/${id}/alerts?open=1`)).alerts;
        const sos = open.find((a) => a.kind === "sos");
        return { alerts: open, sos: sos ? { position: sos.position } : null };
      },
      actions: (a, refresh) => alertActions(ctx.api, a as Alert, refresh),
    });
    setChildren(ctx.panel, 
      h("p", { class: "crumbs" }, h("a", { href: "#/" }, "Devices"), " › ", h("a", { href: `#/device/${id}` }, device.name)),
      h("h2", {}, `${device.name}: live`),
      banner.element,
      deviceFacts(device),
      trail.element,
    );
    return () => {
      stream.close();
      trail.destroy();
      banner.destroy();
    };
  };
}
