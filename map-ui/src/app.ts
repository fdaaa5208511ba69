import L from "leaflet";
import { Api, ApiError, type MapConfig } from "./api.ts";
import { h, setChildren } from "./dom.ts";
import { createMap } from "./map-view.ts";
import { parseRoute, type Route } from "./router.ts";
import { tokenStore } from "./token-store.ts";
import type { View, ViewContext } from "./view.ts";
import { deviceView } from "./views/device-view.ts";
import { devicesView } from "./views/devices-view.ts";
import { liveView } from "./views/live-view.ts";
import { shareView } from "./views/share-view.ts";
import { sharesView } from "./views/shares-view.ts";
import { signInForm } from "./views/sign-in.ts";
import { tripView } from "./views/trip-view.ts";

const OSM: MapConfig = {
  tiles: { url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png", attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors' },
};

function viewFor(route: Route): View {
  switch (route.view) {
    case "devices":
      return devicesView;
    case "device":
      return deviceView(route.id);
    case "trip":
      return tripView(route.id);
    case "live":
      return liveView(route.id);
    case "shares":
      return sharesView;
    case "share":
      return shareView(route.token);
  }
}

/**
 * The page: a bar, the panel and the map. Each route is a view that draws into
 * the panel and its own layer of the map; moving on ends it (its streams,
 * timers and layers). The admin's views need the token; a share link does not.
 */
export async function startApp(root: HTMLElement): Promise<void> {
  const config = await fetch("/map-config.json")
    .then((r) => (r.ok ? (r.json() as Promise<MapConfig>) : OSM))
    .catch(() => OSM);
  const isShare = parseRoute(location.pathname, location.hash).view === "share";

  const nav = h("nav", { "aria-label": "Main" }, h("a", { href: "#/" }, "Devices"), h("a", { href: "#/shares" }, "Share links"));
  const signOut = h("button", { type: "button", class: "sign-out" }, "Sign out");
  const bar = h("header", { class: "bar" }, h("h1", {}, isShare ? "kayaktrack" : h("a", { href: "#/" }, "kayaktrack")), isShare ? null : nav, isShare ? null : signOut);
  const panel = h("section", { id: "panel", class: "panel", tabindex: -1, "aria-label": "Panel" });
  const mapEl = h("div", { id: "map", class: "map", "aria-label": "Map" });
  root.replaceChildren(bar, h("main", { class: "layout" }, panel, mapEl));
  const map = createMap(mapEl, config);

  let current: { abort: AbortController; layers: L.LayerGroup; end?: (() => void) | void } | undefined;
  const show = async (focus = false) => {
    if (current) {
      current.abort.abort();
      current.end?.();
      current.layers.remove();
    }
    const route = parseRoute(location.pathname, location.hash);
    const abort = new AbortController();
    const layers = L.layerGroup().addTo(map);
    current = { abort, layers };
    const token = tokenStore.get();
    for (const a of nav.querySelectorAll("a")) a.toggleAttribute("aria-current", a.getAttribute("href") === (route.view === "shares" ? "#/shares" : "#/"));

    if (route.view !== "share" && !token) {
      nav.hidden = signOut.hidden = true;
      setChildren(panel, signInForm(() => void show(true)));
      return;
    }
    nav.hidden = signOut.hidden = false;
    const api = new Api(route.view === "share" ? undefined : token, () => {
      tokenStore.clear();
      void show(true);
    });
    const ctx: ViewContext = { api, map, mapEl, layers, panel, signal: abort.signal, ...(token && { token }) };
    setChildren(panel, h("p", { class: "loading" }, "Loading…"));
    try {
      const end = await viewFor(route)(ctx);
      if (abort.signal.aborted) end?.();
      else current.end = end;
    } catch (err) {
      if (abort.signal.aborted || (err instanceof ApiError && err.status === 401)) return;
      setChildren(panel, h("h2", {}, "Something went wrong"), h("p", { class: "error", role: "alert" }, err instanceof Error ? err.message : String(err)), h("p", {}, h("a", { href: "#/" }, "Back to the devices")));
    }
    if (focus) panel.focus({ preventScroll: true });
  };
  signOut.addEventListener("click", () => {
    tokenStore.clear();
    location.hash = "#/";
    void show(true);
  });
  // The skip link moves the focus only: following its #panel would leave the route and end the view.
  document.querySelector<HTMLAnchorElement>("a.skip")?.addEventListener("click", (e) => {
    e.preventDefault();
    panel.focus();
  });
  window.addEventListener("hashchange", () => void show(true));
  await show();
}
