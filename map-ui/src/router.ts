/** The map's views. The admin's live in the URL's hash; a share link is the path /s/TOKEN. */
export type Route =
  | { view: "devices" }
  | { view: "device"; id: number }
  | { view: "trip"; id: number }
  | { view: "live"; id: number }
  | { view: "shares" }
  | { view: "share"; token: string };

export function parseRoute(path: string, hash: string): Route {
  const share = /^\/s\/([A-Za-z0-9_-]+)\/?$/.exec(path);
  if (share) return { view: "share", token: share[1]! };
  const m = /^#\/(device|trip|live)\/([1-9]\d{0,15})$/.exec(hash);
  if (m) return { view: m[1] as "device" | "trip" | "live", id: Number(m[2]) };
  if (hash === "#/shares") return { view: "shares" };
  return { view: "devices" };
}

export function routeHash(route: Route): string {
  switch (route.view) {
    case "devices":
      return "#/";
    case "shares":
      return "#/shares";
    case "share":
      return "";
    default:
      return `#/${route.view}/${route.id}`;
  }
}
