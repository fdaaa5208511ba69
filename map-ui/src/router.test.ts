import { describe, expect, it } from "vitest";
import { parseRoute, routeHash, type Route } from "./router.ts";

describe("routes", () => {
  it("reads the admin's views from the hash and a share from the path", () => {
    expect(parseRoute("/", "")).toEqual({ view: "devices" });
    expect(parseRoute("/", "#/trip/12")).toEqual({ view: "trip", id: 12 });
    expect(parseRoute("/", "#/live/3")).toEqual({ view: "live", id: 3 });
    expect(parseRoute("/", "#/shares")).toEqual({ view: "shares" });
    expect(parseRoute("/s/AbC_-9", "")).toEqual({ view: "share", token: "AbC_-9" });
    expect(parseRoute("/", "#/trip/0")).toEqual({ view: "devices" });
    expect(parseRoute("/", "#/trip/x")).toEqual({ view: "devices" });
  });

  it("writes back what it reads", () => {
    const routes: Route[] = [{ view: "devices" }, { view: "device", id: 4 }, { view: "trip", id: 7 }, { view: "live", id: 2 }, { view: "shares" }];
    for (const r of routes) expect(parseRoute("/", routeHash(r)), routeHash(r)).toEqual(r);
  });
});
