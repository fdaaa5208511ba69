import type { WireFix } from "@kayaktrack/firmware/wire";
import type { Dice } from "./dice.ts";
import { http, type RawRequest } from "./raw-http.ts";
import { paddle, trackerBatch } from "./tracker-batch.ts";

// Well-formed requests about a device, by every way in and the reading API, with whatever credentials a test gives.

export interface Creds {
  id: number;
  token: string;
}

/**
 * Each request has its own 100 s of fix times, so a stored fix tells which request put it there.
 * 100 days back leaves room for 86,000 requests before a time would be in the future (and refused).
 */
export const T0 = Math.floor(Date.now() / 1000) - 100 * 86_400;
export const fixesOf = (i: number, count: number) => paddle(T0 + i * 100, count);
export const msOf = (fixes: WireFix[]) => fixes.map((f) => Math.round(f.time * 1000));

export const bearer = (token: string) => `Bearer ${token}`;
export const basic = (user: string | number, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
export const q = encodeURIComponent;

/** A POST of `body` as `type` (JSON unless said), with `auth` as the Authorization header when given. */
export function postTo(target: string, auth: string | undefined, body: string | Uint8Array, type = "application/json"): RawRequest {
  const headers: Array<[string, string]> = [["Content-Type", type]];
  if (auth) headers.push(["Authorization", auth]);
  return http({ method: "POST", target, headers, body });
}

/** An Authorization header and/or a token in the query, as the request presents them. */
export interface Auth {
  header?: string;
  query?: string;
}

export const WAYS = ["batch-json", "batch-binary", "osmand-get", "osmand-post", "owntracks", "overland"] as const;
export type Way = (typeof WAYS)[number];
export const READINGS = ["imports", "fixes", "trips", "export", "device", "live"] as const;
export type Reading = (typeof READINGS)[number];

const iso = (t: number) => new Date(t * 1000).toISOString();
export const feature = (f: WireFix) => ({
  type: "Feature",
  geometry: { type: "Point", coordinates: [f.lon, f.lat] },
  properties: { timestamp: iso(f.time), speed: f.speed, battery_level: 0.8 },
});

/** A well-formed request of one way in, for `device`, carrying `fixes`, with the credentials `auth`. */
export function wayIn(way: Way, device: number, seq: number, fixes: WireFix[], auth: Auth): RawRequest {
  const headers: Array<[string, string]> = auth.header === undefined ? [] : [["Authorization", auth.header]];
  const f = fixes[0]!;
  const post = (target: string, type: string, body: string | Uint8Array) =>
    http({ method: "POST", target, headers: [...headers, ["Content-Type", type]], body });
  switch (way) {
    case "batch-json":
    case "batch-binary": {
      const b = trackerBatch(device, seq, fixes, way === "batch-json" ? "json" : "binary");
      return post("/api/v1/batches", b.type, b.body);
    }
    case "osmand-get":
    case "osmand-post": {
      const params = new URLSearchParams({ id: String(device), lat: String(f.lat), lon: String(f.lon), timestamp: String(f.time), speed: "3" });
      if (auth.query !== undefined) params.set("token", auth.query);
      if (way === "osmand-get") return http({ target: `/api/v1/osmand?${params}`, headers });
      return post("/api/v1/osmand", "application/x-www-form-urlencoded", params.toString());
    }
    case "owntracks":
      return post("/api/v1/owntracks", "application/json", JSON.stringify({ _type: "location", lat: f.lat, lon: f.lon, tst: f.time, vel: 5 }));
    case "overland": {
      const target = auth.query === undefined ? "/api/v1/overland" : `/api/v1/overland?access_token=${q(auth.query)}`;
      return post(target, "application/json", JSON.stringify({ locations: fixes.map(feature) }));
    }
  }
}

export const gpx = (fixes: WireFix[]) =>
  `<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>${fixes
    .map((f) => `<trkpt lat="${f.lat}" lon="${f.lon}"><time>${iso(f.time)}</time></trkpt>`)
    .join("")}</trkseg></trk></gpx>`;

/** A request of the reading API (admin token) about `device`. Never the live stream with a good token: it would not end. */
export function reading(r: Reading, device: number | string, fixes: WireFix[], auth: Auth): RawRequest {
  const headers: Array<[string, string]> = auth.header === undefined ? [] : [["Authorization", auth.header]];
  const at = `/api/v1/devices/${device}`;
  switch (r) {
    case "imports":
      return http({ method: "POST", target: `${at}/imports?name=t.gpx&format=gpx`, headers, body: gpx(fixes) });
    case "fixes":
      return http({ target: `${at}/fixes?limit=10`, headers });
    case "trips":
      return http({ target: `${at}/trips`, headers });
    case "export":
      return http({ target: `${at}/export.gpx`, headers });
    case "device":
      return http({ target: at, headers });
    case "live":
      return http({ target: `/api/v1/live?device=${device}`, headers });
  }
}

/** A's own credentials on a way in. */
export function ownAuth(way: Way, d: Creds, dice: Dice): Auth {
  if (way === "owntracks") return { header: basic(d.id, d.token) };
  if (way === "osmand-get" || way === "osmand-post") return dice.chance(0.5) ? { query: d.token } : { header: basic(d.id, d.token) };
  if (way === "overland" && dice.chance(0.3)) return { query: d.token };
  return { header: bearer(d.token) };
}
