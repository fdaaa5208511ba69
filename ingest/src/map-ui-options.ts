import { fileURLToPath } from "node:url";

/** Where the web map is served from, and its tile layer (KAYAKTRACK_TILE_URL, KAYAKTRACK_TILE_ATTRIBUTION). */
export interface MapUiOptions {
  /** the built map (map-ui/dist, made by `pnpm build:map`) */
  dir: string;
  /** tile URL template, Leaflet style: {s}, {z}, {x}, {y} */
  tileUrl: string;
  /** the tile layer's attribution, HTML */
  tileAttribution: string;
}

export const defaultMapUi: MapUiOptions = {
  dir: fileURLToPath(new URL("../../map-ui/dist/", import.meta.url)),
  tileUrl: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
  tileAttribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
};
