import type { TripDetail } from "../api.ts";
import { h } from "../dom.ts";
import { formatDateTime } from "../format.ts";
import { shareCreator } from "../share-creator.ts";
import { showTrip } from "../trip-display.ts";
import type { View } from "../view.ts";

/** One trip for the admin, with downloads (sent with the token) and a share link. */
export function tripView(id: number): View {
  return async (ctx) => {
    const trip = await ctx.api.get<TripDetail>(`/api/v1/trips/${id}`);
    if (ctx.signal.aborted) return;
    return showTrip(ctx, trip, {
      heading: [
        h("p", { class: "crumbs" }, h("a", { href: "#/" }, "Devices"), " › ", h("a", { href: `#/device/${trip.deviceId}` }, "Trips")),
        h("h2", {}, `Trip of ${formatDateTime(trip.track.time[0] ?? Date.parse(trip.start) / 1000)}`),
      ],
      downloads: [
        { label: "Download GPX", run: () => ctx.api.download(`/api/v1/trips/${id}.gpx`, `trip-${id}.gpx`) },
        { label: "Download GeoJSON", run: () => ctx.api.download(`/api/v1/trips/${id}.geojson`, `trip-${id}.geojson`) },
      ],
      detail: (zoom) => ctx.api.get<TripDetail>(`/api/v1/trips/${id}?zoom=${zoom}`),
      extra: [h("details", { class: "share" }, h("summary", {}, "Share this trip…"), shareCreator(ctx.api, () => ({ trip: id })))],
    });
  };
}
