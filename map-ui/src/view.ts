import type L from "leaflet";
import type { Api } from "./api.ts";

/** What a view of the map gets: the API, the map and the panel beside it. */
export interface ViewContext {
  api: Api;
  map: L.Map;
  mapEl: HTMLElement;
  /** the view's map layers, removed when it ends */
  layers: L.LayerGroup;
  panel: HTMLElement;
  /** aborted when the user has moved on to another view */
  signal: AbortSignal;
  /** the admin token, for the live stream's URL (EventSource sends no headers) */
  token?: string;
}

/** A view draws into the panel and the map, and returns what ends it. */
export type View = (ctx: ViewContext) => Promise<(() => void) | void>;
