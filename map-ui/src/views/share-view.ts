import L from "leaflet";
import { AlertBanner } from "../alert-banner.ts";
import { Api, ApiError, type Fix, type SharedAlerts, type SharedView } from "../api.ts";
import { h, setChildren } from "../dom.ts";
import { formatDateTime, formatSpan } from "../format.ts";
import { LiveStream } from "../live-stream.ts";
import { LiveTrail } from "../live-trail.ts";
import { fit } from "../map-view.ts";
import { showTrip } from "../trip-display.ts";
import type { View } from "../view.ts";

/** A share link's fixes, every page (the device's last day, or the trip). */
async function sharedFixes(api: Api, base: string): Promise<Fix[]> {
  const fixes: Fix[] = [];
  let after: string | null = null;
  do {
    const page: { fixes: Fix[]; next: string | null } = await api.get(`${base}/fixes${after ? `?after=${after}` : ""}`);
    fixes.push(...page.fixes);
    after = page.next;
  } while (after);
  return fixes;
}

/** /s/TOKEN: what a share link shows, without any sign-in: a trip, or a device's live trail behind its delay. */
export function shareView(token: string): View {
  return async (ctx) => {
    const base = `/api/v1/shares/${encodeURIComponent(token)}`;
    let view: SharedView;
    try {
      view = await ctx.api.get<SharedView>(base);
    } catch (err) {
      const gone = err instanceof ApiError && (err.status === 404 || err.status === 410);
      setChildren(ctx.panel, h("h2", {}, "Share link"), h("p", { class: "error", role: "alert" }, gone ? `This link does not work: ${(err as ApiError).detail ?? "unknown"}.` : String(err)));
      return;
    }
    if (ctx.signal.aborted) return;
    // An SOS shows at once, with where the boat is now, whatever the share's delay.
    const banner = new AlertBanner({ map: ctx.map, load: () => ctx.api.get<SharedAlerts>(`${base}/alerts`) });
    const expires = view.share.expiresAt ? h("p", { class: "note" }, `This link works until ${formatDateTime(Date.parse(view.share.expiresAt) / 1000)}.`) : null;

    if (view.trip) {
      const close = await showTrip(ctx, view.trip, {
        heading: [h("h2", {}, `${view.device.name}: trip of ${formatDateTime(Date.parse(view.trip.start) / 1000)}`), banner.element],
        downloads: [
          { label: "Download GPX", href: `${base}/export.gpx` },
          { label: "Download GeoJSON", href: `${base}/export.geojson` },
        ],
        extra: expires ? [expires] : [],
        detail: async (zoom) => (await ctx.api.get<SharedView>(`${base}?zoom=${zoom}`)).trip!,
      });
      return () => {
        banner.destroy();
        if (typeof close === "function") close();
      };
    }

    const trail = new LiveTrail(ctx.map, ctx.layers, ctx.mapEl);
    const fixes = await sharedFixes(ctx.api, base);
    if (ctx.signal.aborted) return () => (trail.destroy(), banner.destroy());
    const latest = view.device.latest;
    trail.add(fixes);
    // Nothing in the last day: the last position the share may show still says where the boat is.
    if (fixes.length === 0 && latest) trail.showLast(latest);
    if (trail.newestMs !== undefined) fit(ctx.map, trail.bounds(), 16);
    else if (latest) ctx.map.setView(L.latLng(latest.lat, latest.lon), 14, { animate: false });
    const since = trail.newestMs;
    const stream = new LiveStream({
      url: (after) => `${base}/live${after ?? since ? `?since=${after ?? since}` : ""}`,
      onFix: (f) => trail.add([f]),
      onState: (s, detail) => trail.setState(s, detail),
    });
    setChildren(ctx.panel, 
      h("h2", {}, `${view.device.name}: live position`),
      banner.element,
      view.share.delayS > 0 ? h("p", { class: "note" }, `Positions appear ${formatSpan(view.share.delayS)} late, for privacy.`) : null,
      trail.element,
      expires,
    );
    return () => {
      stream.close();
      trail.destroy();
      banner.destroy();
    };
  };
}
