import { BATCH_MEDIA_TYPE, crc16, encodeBatch } from "@kayaktrack/firmware/wire";
import { mulberry32 } from "@kayaktrack/firmware/testing/prng";
import {
  READINGS, T0, WAYS, basic, bearer, feature, fixesOf, gpx, postTo, msOf, ownAuth, q, reading, wayIn, type Auth, type Creds,
} from "./device-requests.ts";
import { Dice } from "./dice.ts";
import { BAD_JSON, SQL, TRAVERSALS, TYPES, WEIRD, withHostile } from "./hostile-values.ts";
import { chunked, http, type Http, type RawRequest } from "./raw-http.ts";
import { paddle, trackerBatch, type TrackerBatch } from "./tracker-batch.ts";

/** Who the requests are about. */
export interface HostileTargets {
  /** the device under attack: only requests with its own credentials may add fixes to it */
  a: Creds;
  /** another device, whose token must get nowhere near A */
  b: Creds;
  /** a sink for admin imports and fuzzed batches, whose fixes are not checked */
  c: Creds;
  admin: string;
}

export interface HostileCase {
  /** family and detail, e.g. `wrong types: osmand lat="1e999"` */
  kind: string;
  req: RawRequest;
  /** no reply owed: the client went away mid-request, or the server refused a body still coming */
  replyOptional?: boolean;
  /** fixes this request may add, sent with that device's own credentials */
  mayStore?: { device: number; timesMs: number[] };
  /** a valid batch of A: an ack means its fixes must be in the database */
  batch?: TrackerBatch;
  /** a request for a file of the web map: a 2xx must answer with one of map-ui/dist's files */
  staticFile?: boolean;
}

type Family = (dice: Dice, i: number, t: HostileTargets) => HostileCase;

const adminJson = (t: HostileTargets, method: string, target: string, body: string | Uint8Array) =>
  http({ method, target, headers: [["Authorization", bearer(t.admin)], ["Content-Type", "application/json"]], body });

/** A compact batch body with its last two bytes made the CRC of the rest, so the decoder reads on. */
function withGoodCrc(body: Buffer): Buffer {
  const crc = crc16(body, body.length - 2);
  body[body.length - 2] = crc >> 8;
  body[body.length - 1] = crc & 0xff;
  return body;
}

/** A valid batch of A among the hostile traffic, JSON or compact. */
const validBatch: Family = (dice, i, t) => {
  const batch = trackerBatch(t.a.id, i + 1, fixesOf(i, dice.int(1, 20)), dice.chance(0.5) ? "json" : "binary");
  return {
    kind: "valid batch of A",
    req: postTo("/api/v1/batches", bearer(t.a.token), batch.body, batch.type),
    batch,
    mayStore: { device: t.a.id, timesMs: batch.timesMs },
  };
};

/** A valid fix of A by another way in (OsmAnd, OwnTracks, Overland). */
const validOther: Family = (dice, i, t) => {
  const way = dice.pick(WAYS.slice(2));
  const fixes = fixesOf(i, way === "overland" ? 3 : 1);
  return {
    kind: `valid ${way} fix of A`,
    req: wayIn(way, t.a.id, 0, fixes, ownAuth(way, t.a, dice)),
    mayStore: { device: t.a.id, timesMs: msOf(fixes) },
  };
};

/** Every JSON endpoint with its credentials, for bodies that are not JSON or are cut short. */
function jsonTargets(t: HostileTargets): Array<[string, string]> {
  return [
    ["/api/v1/batches", bearer(t.a.token)],
    ["/api/v1/owntracks", basic(t.a.id, t.a.token)],
    ["/api/v1/overland", bearer(t.a.token)],
    [`/api/v1/osmand?token=${t.a.token}`, ""],
    ["/api/v1/admin/devices", bearer(t.admin)],
    ["/api/v1/admin/shares", bearer(t.admin)],
  ];
}

const badJson: Family = (dice, i, t) => {
  const [target, auth] = dice.pick(jsonTargets(t));
  const body = dice.chance(0.15) ? dice.bytes(dice.int(1, 2000)) : dice.pick(BAD_JSON);
  const what = typeof body === "string" ? JSON.stringify(body.slice(0, 24)) : `${body.length} random bytes`;
  // PATCH of a device's settings takes JSON too (A's, so a good one only changes its upload intervals).
  if (dice.chance(0.1)) return { kind: `bad JSON: PATCH device ${what}`, req: adminJson(t, "PATCH", `/api/v1/admin/devices/${t.a.id}`, body) };
  return { kind: `bad JSON: ${target.split("?")[0]} ${what}`, req: postTo(target, auth || undefined, body) };
};

/** A good JSON body of each kind, cut short. */
const truncatedJson: Family = (dice, i, t) => {
  const fixes = fixesOf(i, dice.int(1, 10));
  const way = dice.pick(["batch-json", "owntracks", "overland"] as const);
  const good = wayIn(way, t.a.id, 1_000_000 + i, fixes, ownAuth(way, t.a, dice));
  const head = good.head.toString();
  const body = good.body![0]!;
  const cut = dice.int(0, body.length - 1);
  if (dice.chance(0.2)) {
    // The declared length is the whole body, but the client goes away after part of it.
    return {
      kind: `truncated JSON: ${way} gone after ${cut} of ${body.length} bytes`,
      req: { head: good.head, body: [body.subarray(0, cut)], endAfterWrite: true },
      replyOptional: true,
    };
  }
  const shortHead = head.replace(/Content-Length: \d+/, `Content-Length: ${cut}`);
  return {
    kind: `truncated JSON: ${way} at ${cut} of ${body.length}`,
    req: { head: Buffer.from(shortHead), body: [body.subarray(0, cut)] },
    mayStore: { device: t.a.id, timesMs: msOf(fixes) },
  };
};

/** Bodies of several MB, and batches over the fix limit. */
const hugeBody: Family = (dice, i, t) => {
  const [target, auth] = dice.pick(jsonTargets(t));
  const headers: Array<[string, string]> = [["Content-Type", "application/json"]];
  if (auth) headers.push(["Authorization", auth]);
  const mb = dice.int(2, 6);
  const to = target.split("?")[0];
  switch (dice.int(0, 5)) {
    case 0: // declared: refused before reading
      return {
        kind: `huge body: ${mb} MB declared to ${to}`,
        req: { ...http({ method: "POST", target, headers, length: String(mb << 20) }), body: [Buffer.alloc(mb << 20, "[1,")] },
        replyOptional: true,
      };
    case 1: // chunked: refused when the limit is passed
      return {
        kind: `huge body: ${mb} MB chunked to ${to}`,
        req: { ...http({ method: "POST", target, headers: [...headers, ["Transfer-Encoding", "chunked"]], length: null }), body: chunked(mb << 20, '{"a":') },
        replyOptional: true,
      };
    case 2: {
      // Over the fix limit, under the byte limit: 10,001 fixes a millisecond apart.
      const start = T0 + i * 100;
      const many = Array.from({ length: 10_001 }, (_, k) => ({ time: start + k / 1000, lat: 1, lon: 1 }));
      const form = dice.pick(["json", "overland"] as const);
      const body =
        form === "json"
          ? JSON.stringify({ device: t.a.id, seq: 1_000_000 + i, fixes: many })
          : JSON.stringify({ locations: many.map((f) => feature({ ...f, alt: null, speed: null, course: null, hdop: null, sats: null })) });
      return {
        kind: `huge body: 10,001 fixes as ${form}`,
        req: postTo(form === "json" ? "/api/v1/batches" : "/api/v1/overland", bearer(t.a.token), body),
        // Overland's features take 1.5 MB: refused at 1 MB, mid-body.
        replyOptional: form === "overland",
        mayStore: { device: t.a.id, timesMs: many.map((f) => Math.round(f.time * 1000)) },
      };
    }
    case 3: {
      const body = encodeBatch({ device: t.c.id, seq: i, batteryVolts: 3.75, counters: [] }, paddle(T0, 10_001));
      return { kind: "huge body: compact batch of 10,001 fixes", req: postTo("/api/v1/batches", bearer(t.c.token), body, BATCH_MEDIA_TYPE) };
    }
    case 4: {
      // A header that declares more fixes than a batch may hold, with a good CRC.
      const body = withGoodCrc(Buffer.from([1, t.c.id, 1, 50, 0, 0x81, 0xa3, 0x05, 0, 0])); // n = 86,401
      return { kind: "huge body: compact batch declaring 86,401 fixes", req: postTo("/api/v1/batches", bearer(t.c.token), body, BATCH_MEDIA_TYPE) };
    }
    default: {
      // A body where none is expected.
      const get = dice.pick(["/", "/healthz", "/assets/x.js"]);
      return {
        kind: `huge body: ${mb} MB to GET ${get}`,
        req: { ...http({ target: get, length: String(mb << 20) }), body: [Buffer.alloc(mb << 20, "x")] },
        replyOptional: true,
      };
    }
  }
};

/** The first request: 70 MB, over every limit (the import limit is 64 MB), to a device that exists with the admin token. */
const overEveryLimit = (t: HostileTargets): HostileCase => ({
  kind: "huge body: 70 MB import, over every limit",
  req: {
    ...http({
      method: "POST",
      target: `/api/v1/devices/${t.c.id}/imports?name=big.gpx`,
      headers: [["Authorization", bearer(t.admin)], ["Transfer-Encoding", "chunked"]],
      length: null,
    }),
    body: chunked(70 << 20, "<gpx>"),
  },
  replyOptional: true,
});

/**
 * Strings for numbers, arrays for objects, NaN and Infinity, lat 1e308, negative
 * and fractional seq: with A's own credentials, so that they reach the parsing.
 */
const wrongTypes: Family = (dice, i, t) => {
  const fixes = fixesOf(i, dice.int(1, 4));
  const mayStore = { device: t.a.id, timesMs: msOf(fixes) };
  const fix0 = () => ({ ...fixes[0]! });
  switch (dice.int(0, 6)) {
    case 0: {
      const obj = { device: t.a.id, seq: 1_000_000 + i, fixes: fixes.map((f) => ({ ...f })), battery: 80 };
      const field = dice.pick(["time", "lat", "lon", "alt", "speed", "course", "hdop", "sats", "battery", "__proto__"]);
      const path = dice.pick<Array<string | number>>([["device"], ["seq"], ["fixes"], ["battery"], ["__proto__"], ["fixes", 0], ["fixes", 0, field]]);
      const { text, what } = withHostile(dice, obj, path);
      return { kind: `wrong types: batch ${what}`, req: postTo("/api/v1/batches", bearer(t.a.token), text), mayStore };
    }
    case 1: {
      const f = fixes[0]!;
      const key = dice.pick(["_type", "lat", "lon", "tst", "vel", "cog", "alt", "acc", "batt"]);
      const { text, what } = withHostile(dice, { _type: "location", lat: f.lat, lon: f.lon, tst: f.time, vel: 5, batt: 50 }, [key]);
      return { kind: `wrong types: owntracks ${what}`, req: postTo("/api/v1/owntracks", basic(t.a.id, t.a.token), text), mayStore };
    }
    case 2: {
      const obj = { locations: fixes.map(feature) };
      const path = dice.pick<Array<string | number>>([
        ["locations"], ["locations", 0], ["locations", 0, "geometry"], ["locations", 0, "geometry", "type"],
        ["locations", 0, "geometry", "coordinates"], ["locations", 0, "geometry", "coordinates", 0], ["locations", 0, "geometry", "coordinates", 1],
        ["locations", 0, "properties"], ["locations", 0, "properties", "timestamp"], ["locations", 0, "properties", "speed"],
        ["locations", 0, "properties", "battery_level"],
      ]);
      const { text, what } = withHostile(dice, obj, path);
      return { kind: `wrong types: overland ${what}`, req: postTo("/api/v1/overland", bearer(t.a.token), text), mayStore };
    }
    case 3: {
      const f = fixes[0]!;
      const params: Record<string, string> = {
        id: String(t.a.id), token: t.a.token, lat: String(f.lat), lon: String(f.lon), timestamp: String(f.time),
      };
      const key = dice.pick(["id", "lat", "lon", "timestamp", "speed", "bearing", "altitude", "batt", "hdop", "accuracy", "valid", "location"]);
      const value = String(dice.pick(WEIRD.filter((v) => typeof v !== "object")));
      params[key] = value;
      let query = new URLSearchParams(params).toString();
      if (dice.chance(0.2)) query += dice.pick([`&${key}=1&${key}=2`, `&${key}[]=1`, `&${key}`, "&&&=", "&%zz=%zz"]);
      return { kind: `wrong types: osmand ${key}=${JSON.stringify(value.slice(0, 20))}`, req: http({ target: `/api/v1/osmand?${query}` }), mayStore };
    }
    case 4: {
      // The compact form with values out of every range (33 counters, lat 1000, time 0) and seqs past 32 bits (valid since issue 20: a first fix's time in tenths of a second).
      const header = {
        device: t.a.id,
        seq: dice.pick([2 ** 32, 2 ** 40, 2 ** 53 - 1, 1_000_000 + i]),
        batteryVolts: dice.pick([null, 0, 9]),
        counters: dice.pick([[], Array(33).fill(1), [2 ** 50]]),
      };
      const f = fix0();
      const key = dice.pick(["time", "lat", "lon", "alt", "speed", "course", "hdop", "sats"] as const);
      // Never negative where the wire has no sign: the encoder would write a byte the decoder reads otherwise, at another time.
      const signed = key === "lat" || key === "lon" || key === "alt";
      (f as Record<string, number | null>)[key] = dice.pick(signed ? [0, 1000, -1000, 1e6, 1e10] : [0, 1000, 1e6, 1e10]);
      const body = encodeBatch(header, [f, ...fixes.slice(1)]);
      return {
        kind: `wrong types: compact seq=${header.seq} counters=${header.counters.length} ${key}=${f[key]}`,
        req: postTo("/api/v1/batches", bearer(t.a.token), body, BATCH_MEDIA_TYPE),
        mayStore,
      };
    }
    case 5: {
      // The admin API: settings, names, shares (a good one is harmless: A's upload intervals, a device, a share).
      const which = dice.int(0, 2);
      if (which === 0) {
        const path = dice.pick([["trackerSettings"], ["trackerSettings", "uploadEveryS"], ["trackerSettings", "uploadAfterFixes"], ["trackerSettings", "x"]]);
        const { text, what } = withHostile(dice, { trackerSettings: { uploadEveryS: 300, uploadAfterFixes: 60 } }, path);
        return { kind: `wrong types: settings ${what}`, req: adminJson(t, "PATCH", `/api/v1/admin/devices/${t.a.id}`, text) };
      }
      if (which === 1) {
        const { text, what } = withHostile(dice, { name: "kayak" }, ["name"]);
        return { kind: `wrong types: device name ${what}`, req: adminJson(t, "POST", "/api/v1/admin/devices", text) };
      }
      const { text, what } = withHostile(dice, { device: t.a.id, expires: "1h", delay: 60 }, [dice.pick(["device", "trip", "expires", "delay"])]);
      return { kind: `wrong types: share ${what}`, req: adminJson(t, "POST", "/api/v1/admin/shares", text) };
    }
    default: {
      // Query parameters of the reading API.
      const v = q(String(dice.pick(WEIRD.filter((x) => typeof x !== "object"))));
      const target = dice.pick([
        `/api/v1/devices/${t.a.id}/fixes?limit=${v}`,
        `/api/v1/devices/${t.a.id}/fixes?from=${v}&to=${v}`,
        `/api/v1/devices/${t.a.id}/fixes?cursor=${v}`,
        `/api/v1/devices/${t.a.id}/export.gpx?from=${v}`,
        `/api/v1/trips/1?zoom=${v}`,
        `/api/v1/devices/${t.c.id}/imports?name=t.gpx&start=${v}`,
      ]);
      const headers: Array<[string, string]> = [["Authorization", bearer(t.admin)]];
      // The import's points have no time, so that `start` gives them one.
      const req = target.includes("/imports")
        ? http({ method: "POST", target, headers, body: gpx(fixes).replace(/<time>[^<]*<\/time>/g, "") })
        : http({ target, headers });
      return { kind: `wrong types: ${target.replace(/\d+/g, "N").slice(0, 50)}`, req };
    }
  }
};

/** Credentials that are not A's, in every form a request can carry them. */
function badAuth(dice: Dice, t: HostileTargets, reading: boolean): Auth & { what: string } {
  const forms: Array<Auth & { what: string }> = [
    { what: "no token" },
    { what: "Bearer without token", header: "Bearer" },
    { what: "random token", header: bearer(dice.bytes(16).toString("base64url")) },
    { what: "A's token with a character more", header: bearer(t.a.token + "x") },
    { what: "A's token with a character less", header: bearer(t.a.token.slice(0, -1)) },
    { what: "A's token upper case", header: bearer(t.a.token.toUpperCase()) },
    { what: "the admin token as a device token", header: bearer(t.admin) },
    { what: "empty password", header: basic(t.a.id, "") },
    { what: "random password", header: basic(t.a.id, dice.bytes(12).toString("hex")) },
    { what: "Basic not base64", header: "Basic !!!!" },
    { what: "Basic without colon", header: `Basic ${Buffer.from(String(t.a.id)).toString("base64")}` },
    { what: "Digest", header: `Digest username="${t.a.id}"` },
    { what: "8 kB token", header: bearer("x".repeat(8000)) },
    { what: "two tokens", header: `Bearer ${dice.bytes(8).toString("hex")} ${t.a.token}` },
    { what: "empty token parameter", query: "" },
    { what: "random token parameter", query: dice.bytes(16).toString("base64url") },
    { what: "admin token parameter", query: t.admin },
  ];
  // On the reading API the admin token is the right one.
  return dice.pick(reading ? forms.filter((f) => !f.what.startsWith("the admin token")) : forms);
}

/** Requests for A without A's credentials. Their fixes must not appear. */
const badToken: Family = (dice, i, t) => {
  const onWayIn = dice.chance(0.7);
  const auth = badAuth(dice, t, !onWayIn);
  const fixes = fixesOf(i, dice.int(1, 5));
  if (onWayIn) {
    const way = dice.pick(WAYS);
    return { kind: `bad token: ${way}, ${auth.what}`, req: wayIn(way, t.a.id, 1_000_000 + i, fixes, auth) };
  }
  const r = dice.pick(READINGS);
  return { kind: `bad token: ${r}, ${auth.what}`, req: reading(r, t.a.id, fixes, auth) };
};

/** B's token on A's device id, on every endpoint that takes a device. */
const crossDevice: Family = (dice, i, t) => {
  const fixes = fixesOf(i, dice.int(1, 5));
  if (dice.chance(0.7)) {
    const way = dice.pick(WAYS);
    if (way === "overland") {
      // Overland names no device: B's token with A's id slipped in everywhere still writes only to B.
      const locations = fixes.map(feature).map((l) => ({ ...l, properties: { ...l.properties, device_id: t.a.id } }));
      const body = JSON.stringify({ device: t.a.id, device_id: t.a.id, locations });
      return {
        kind: "B's token on A: overland with A's id in the body and query",
        req: postTo(`/api/v1/overland?device=${t.a.id}&id=${t.a.id}`, bearer(t.b.token), body),
        mayStore: { device: t.b.id, timesMs: msOf(fixes) },
      };
    }
    const forms: Auth[] = [
      { header: bearer(t.b.token) },
      { header: basic(t.a.id, t.b.token) },
      { query: t.b.token },
      { query: t.b.token, header: basic(t.a.id, t.a.token.slice(0, -1)) },
    ];
    // B's id and token in the body's place: OwnTracks takes the device from the user name, so there it would be B's own.
    if (way !== "owntracks") forms.push({ header: basic(t.b.id, t.b.token) });
    const auth = dice.pick(forms);
    const how = auth.header?.split(" ")[0] ?? "token parameter";
    return { kind: `B's token on A: ${way} ${how}`, req: wayIn(way, t.a.id, 1_000_000 + i, fixes, auth) };
  }
  const r = dice.pick(READINGS);
  return { kind: `B's token on A: ${r}`, req: reading(r, t.a.id, fixes, { header: bearer(t.b.token) }) };
};

/** Ways out of map-ui/dist: dot segments plain, encoded, double encoded, backslashes, absolute paths, NUL bytes. */
const traversal: Family = (dice) => {
  const path = dice.pick(TRAVERSALS);
  const method = dice.chance(0.9) ? "GET" : "HEAD";
  return { kind: `path traversal: ${method} ${JSON.stringify(path)}`, req: http({ method, target: path }), staticFile: true };
};

/** SQL metacharacters in every string field and every path and query parameter. */
const sqlInjection: Family = (dice, i, t) => {
  const s = dice.pick(SQL);
  const e = dice.chance(0.85) ? q(s) : s; // now and then unencoded: a broken request line
  const fixes = fixesOf(i, 1);
  const f = fixes[0]!;
  const admin: Array<[string, string]> = [["Authorization", bearer(t.admin)]];
  const get = (target: string, headers: Array<[string, string]> = []) => http({ target, headers });
  const location = (o: object) => JSON.stringify({ _type: "location", lat: 1, lon: 1, tst: f.time, ...o });
  // Places whose request carries A's own credentials (and so may store, were the value a good one) say own: true.
  const places: Array<() => HostileCase & { own?: boolean }> = [
    () => ({ kind: "device", req: postTo("/api/v1/batches", bearer(t.a.token), JSON.stringify({ device: s, seq: 1, fixes })), own: true }),
    () => {
      const body = JSON.stringify({ device: t.a.id, seq: 1_000_000 + i, fixes: [{ ...f, time: s }] });
      return { kind: "fix time", req: postTo("/api/v1/batches", bearer(t.a.token), body), own: true };
    },
    () => ({ kind: "token", req: postTo("/api/v1/batches", bearer(s), JSON.stringify({ device: t.a.id, seq: 1, fixes })) }),
    () => ({ kind: "osmand id", req: get(`/api/v1/osmand?id=${e}&token=${t.a.token}&lat=1&lon=1&timestamp=${f.time}`), own: true }),
    () => ({ kind: "osmand token", req: get(`/api/v1/osmand?id=${t.a.id}&token=${e}&lat=1&lon=1&timestamp=${f.time}`) }),
    () => ({ kind: "osmand fields", req: get(`/api/v1/osmand?id=${t.a.id}&token=${t.a.token}&lat=${e}&lon=${e}&timestamp=${e}&batt=${e}&location=${e}`), own: true }),
    () => {
      const form = `id=${t.a.id}&token=${t.a.token}&lat=${f.lat}&lon=${f.lon}&timestamp=${e}`;
      return { kind: "osmand form", req: postTo("/api/v1/osmand", undefined, form, "application/x-www-form-urlencoded"), own: true };
    },
    () => ({ kind: "owntracks user", req: postTo("/api/v1/owntracks", basic(s, t.a.token), location({})), own: true }),
    () => ({ kind: "owntracks password", req: postTo("/api/v1/owntracks", basic(t.a.id, s), location({})) }),
    () => ({ kind: "owntracks fields", req: postTo("/api/v1/owntracks", basic(t.a.id, t.a.token), location({ _type: s, lat: s, lon: s, tst: s, tid: s })), own: true }),
    () => ({ kind: "overland token", req: postTo(`/api/v1/overland?access_token=${e}`, undefined, JSON.stringify({ locations: [feature(f)] })) }),
    () => {
      const body = JSON.stringify({ locations: [{ ...feature(f), properties: { timestamp: s } }] });
      return { kind: "overland timestamp", req: postTo("/api/v1/overland", bearer(t.a.token), body), own: true };
    },
    () => ({ kind: "device in path", req: get(`/api/v1/devices/${e}`, admin) }),
    () => ({ kind: "fixes path", req: get(`/api/v1/devices/${e}/fixes`, admin) }),
    () => ({ kind: "fixes query", req: get(`/api/v1/devices/${t.a.id}/fixes?from=${e}&to=${e}&limit=${e}&cursor=${e}`, admin) }),
    () => ({ kind: "trips path", req: get(`/api/v1/devices/${e}/trips`, admin) }),
    () => ({ kind: "trip id", req: get(`/api/v1/trips/${e}`, admin) }),
    () => ({ kind: "trip export", req: get(`/api/v1/trips/${e}.gpx`, admin) }),
    () => ({ kind: "export path", req: get(`/api/v1/devices/${e}/export.gpx?from=${e}`, admin) }),
    () => ({ kind: "export format", req: get(`/api/v1/devices/${t.a.id}/export.${e}`, admin) }),
    () => ({ kind: "imports path", req: http({ method: "POST", target: `/api/v1/devices/${e}/imports`, headers: admin, body: gpx(fixes) }) }),
    () => {
      const target = `/api/v1/devices/${t.c.id}/imports?name=${e}&format=${e}&start=${e}`;
      return { kind: "imports query", req: http({ method: "POST", target, headers: admin, body: gpx(fixes) }) };
    },
    () => {
      const body = gpx(fixes).replace('creator="t"', `creator="${s.replace(/"/g, "&quot;")}"`);
      return { kind: "import file name", req: http({ method: "POST", target: `/api/v1/devices/${t.c.id}/imports?name=${e}`, headers: admin, body }) };
    },
    () => ({ kind: "live device", req: get(`/api/v1/live?device=${e}`, admin) }),
    () => ({ kind: "live since", req: get(`/api/v1/live?device=${t.a.id}&since=${e}`, admin) }),
    () => ({ kind: "live token", req: get(`/api/v1/live?access_token=${e}`) }),
    () => ({ kind: "share token", req: get(`/api/v1/shares/${e}`) }),
    () => ({ kind: "share fixes", req: get(`/api/v1/shares/${e}/fixes?after=${e}`) }),
    () => ({ kind: "share live", req: get(`/api/v1/shares/${e}/live?since=${e}`) }),
    () => ({ kind: "share export", req: get(`/api/v1/shares/${e}/export.gpx`) }),
    () => ({ kind: "map share page", req: get(`/s/${e}`), staticFile: true }),
    () => ({ kind: "static file", req: get(`/assets/${e}`), staticFile: true }),
    () => ({ kind: "device name", req: adminJson(t, "POST", "/api/v1/admin/devices", JSON.stringify({ name: s })) }),
    () => ({ kind: "settings path", req: adminJson(t, "PATCH", `/api/v1/admin/devices/${e}`, '{"trackerSettings":null}') }),
    () => ({ kind: "revoke path", req: http({ method: "DELETE", target: `/api/v1/admin/devices/${e}`, headers: admin }) }),
    () => ({ kind: "share fields", req: adminJson(t, "POST", "/api/v1/admin/shares", JSON.stringify({ device: s, trip: s, expires: s, delay: s })) }),
    () => ({ kind: "share revoke", req: http({ method: "DELETE", target: `/api/v1/admin/shares/${e}`, headers: admin }) }),
    () => ({ kind: "health query", req: get(`/healthz?${e}=${e}`) }),
  ];
  const { own, ...c } = dice.pick(places)();
  return { ...c, kind: `SQL metacharacters: ${c.kind} ${JSON.stringify(s)}`, ...(own && { mayStore: { device: t.a.id, timesMs: msOf(fixes) } }) };
};

const ENDPOINTS = [
  "/api/v1/batches", "/api/v1/osmand", "/api/v1/owntracks", "/api/v1/overland", "/api/v1/devices", "/api/v1/devices/1/fixes",
  "/api/v1/devices/1/imports", "/api/v1/trips/1", "/api/v1/admin/devices", "/api/v1/admin/shares", "/api/v1/shares/x",
  "/api/v1/live", "/healthz", "/metrics", "/", "/map-config.json", "/s/x", "/assets/x.js",
];

/** Methods no route takes, and some no server should (never with the admin token: DELETE of a device would revoke it). */
const wrongMethod: Family = (dice, i, t) => {
  const method = dice.pick(["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "FOO", "get", "G\u0000ET", "M".repeat(100), "CONNECT", "POST", "HEAD"]);
  const target = dice.pick(ENDPOINTS);
  const own = dice.chance(0.5);
  const headers: Array<[string, string]> = own ? [["Authorization", bearer(t.a.token)]] : [];
  const body = dice.chance(0.5) ? JSON.stringify({ device: t.a.id, seq: 1_000_000 + i, fixes: fixesOf(i, 1) }) : undefined;
  // POST and HEAD are right for some of these; the rest go where they do not belong.
  return {
    kind: `wrong method: ${JSON.stringify(method.slice(0, 12))} ${target}`,
    req: http({ method, target, headers: [...headers, ["Content-Type", "application/json"]], ...(body && { body }) }),
    replyOptional: method === "CONNECT",
    ...(own && { mayStore: { device: t.a.id, timesMs: msOf(fixesOf(i, 1)) } }),
    staticFile: method === "GET" && !target.startsWith("/api/") && !["/healthz", "/metrics", "/map-config.json"].includes(target),
  };
};

/** Good bodies labelled with the wrong media type (or a right one with odd spelling): A's own, so an accepted one may store. */
const wrongContentType: Family = (dice, i, t) => {
  const fixes = fixesOf(i, dice.int(1, 3));
  const way = dice.pick(["batch-json", "batch-binary", "owntracks", "overland", "osmand-post"] as const);
  const good = wayIn(way, t.a.id, 1_000_000 + i, fixes, ownAuth(way, t.a, dice));
  const type = dice.pick(TYPES);
  const head = good.head.toString().replace(/Content-Type: [^\r]*\r\n/, type === "" ? "" : `Content-Type: ${type}\r\n`);
  return {
    kind: `wrong content type: ${way} as ${JSON.stringify(type.slice(0, 40))}`,
    req: { head: Buffer.from(head), body: good.body! },
    mayStore: { device: t.a.id, timesMs: msOf(fixes) },
  };
};

/** Headers past Node's 16 kB limit, many headers, a long URL, headers that break the grammar. */
const hugeHeaders: Family = (dice, i, t) => {
  const n = dice.int(0, 8);
  const many = (count: number, name: string) => Array.from({ length: count }, (_, k) => [`${name}${k}`, "1"] as [string, string]);
  const cases: Array<[string, Http, boolean]> = [
    ["20 kB header", { target: "/healthz", headers: [["X-Pad", "x".repeat(20_000)]] }, false],
    ["100 kB cookie", { target: "/", headers: [["Cookie", "a=" + "b".repeat(100_000)]] }, true],
    ["3,000 headers", { target: "/api/v1/batches", method: "POST", headers: many(3000, "X-H") }, true],
    ["50 kB URL", { target: `/api/v1/osmand?id=${t.a.id}&pad=${"p".repeat(50_000)}` }, true],
    ["15 kB token", { target: "/api/v1/devices", headers: [["Authorization", bearer("t".repeat(15_000))]] }, false],
    ["1,500 small headers", { target: "/healthz", headers: many(1500, "X") }, false],
    ["NUL in a header", { target: "/healthz", headers: [["X-Nul", "a\u0000b"]] }, false],
    ["space in a header name", { target: "/healthz", headers: [["X Bad", "1"]] }, false],
    ["folded header", { target: "/healthz", headers: [["X-Fold", "1\r\n  continued"]] }, false],
  ];
  const [what, h, optional] = cases[n]!;
  return { kind: `huge headers: ${what}`, req: http(h), replyOptional: optional };
};

/** Random bytes: instead of a request, as a body, and as compact batches with a good CRC (for C, whose fixes are not checked). */
const randomBytes: Family = (dice, i, t) => {
  switch (dice.int(0, 4)) {
    case 0:
      // Not HTTP at all; a parser that waits for more gets the end of the stream.
      return {
        kind: "random bytes: instead of a request",
        req: { head: dice.bytes(dice.int(1, 2048)), endAfterWrite: true },
        replyOptional: true,
      };
    case 1: {
      const target = dice.pick(["/api/v1/batches", "/api/v1/owntracks", "/api/v1/overland", "/api/v1/osmand", "/api/v1/admin/devices"]);
      const auth = target === "/api/v1/owntracks" ? basic(t.c.id, t.c.token) : target.includes("admin") ? bearer(t.admin) : bearer(t.c.token);
      const type = dice.pick(["application/json", BATCH_MEDIA_TYPE, "application/x-www-form-urlencoded"]);
      return { kind: `random bytes: body to ${target}`, req: postTo(target, auth, dice.bytes(dice.int(1, 4096)), type) };
    }
    case 2:
    case 3: {
      // A compact batch the decoder has to take apart: random, or a good one with bytes changed; the CRC made good.
      const random = dice.chance(0.5);
      const body = random
        ? Buffer.concat([Buffer.from([1, t.c.id]), dice.bytes(dice.int(6, 400))])
        : Buffer.from(encodeBatch({ device: t.c.id, seq: 2_000_000 + i, batteryVolts: 3.75, counters: [1, 2] }, fixesOf(i, dice.int(1, 30))));
      if (!random) for (let k = dice.int(1, 4); k > 0; k--) body[dice.int(1, body.length - 3)] = dice.int(0, 255);
      return {
        kind: `random bytes: ${random ? "random" : "damaged"} compact batch with a good CRC`,
        req: postTo("/api/v1/batches", bearer(t.c.token), withGoodCrc(body), BATCH_MEDIA_TYPE),
      };
    }
    default: {
      const head = Buffer.concat([Buffer.from("GET /"), dice.bytes(dice.int(1, 200)), Buffer.from(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")]);
      return { kind: "random bytes: in the request line", req: { head }, replyOptional: true };
    }
  }
};

/** Requests whose framing is wrong: lengths that disagree, broken chunks, bodies that stop, other HTTP versions. */
const brokenFraming: Family = (dice, i, t) => {
  const body = JSON.stringify({ device: t.c.id, seq: 3_000_000 + i, fixes: fixesOf(i, 1) });
  const post = (headers: Array<[string, string]>, length: string | null, sent: string, end = false): RawRequest => ({
    ...http({
      method: "POST",
      target: "/api/v1/batches",
      headers: [["Authorization", bearer(t.c.token)], ["Content-Type", "application/json"], ...headers],
      length,
    }),
    body: [Buffer.from(sent)],
    endAfterWrite: end,
  });
  const oneChunk = `${body.length.toString(16)}\r\n${body}\r\n`;
  const pipelined = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const cases: Array<[string, () => RawRequest, boolean]> = [
    ["Content-Length and Transfer-Encoding", () => post([["Transfer-Encoding", "chunked"]], String(body.length), oneChunk + "0\r\n\r\n"), false],
    ["two different Content-Lengths", () => post([["Content-Length", "3"]], String(body.length), body), false],
    ["negative Content-Length", () => post([], "-1", body), false],
    ["Content-Length not a number", () => post([], "abc", body), false],
    ["Content-Length 1e3", () => post([], "1e3", body), false],
    ["bad chunk size", () => post([["Transfer-Encoding", "chunked"]], null, `zz\r\n${body}\r\n0\r\n\r\n`), false],
    ["chunks never ending", () => post([["Transfer-Encoding", "chunked"]], null, oneChunk, true), true],
    ["body shorter than declared", () => post([], String(body.length + 100), body, true), true],
    ["Transfer-Encoding gzip", () => post([["Transfer-Encoding", "gzip"]], null, body), false],
    ["100-continue, then gone", () => post([["Expect", "100-continue"]], String(5 << 20), "", true), true],
    ["unknown expectation", () => post([["Expect", "200-ok"]], String(body.length), body), false],
    ["HTTP/1.0 without Host", () => ({ head: Buffer.from("GET /healthz HTTP/1.0\r\n\r\n") }), false],
    ["HTTP/2.0 request line", () => http({ target: "/healthz", version: "HTTP/2.0" }), false],
    ["HTTP/9.9 request line", () => http({ target: "/", version: "HTTP/9.9" }), true],
    ["bare LF line ends", () => ({ head: Buffer.from("GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n") }), false],
    ["absolute-form target", () => http({ target: "http://evil.example/api/v1/devices" }), false],
    ["two requests in one write", () => ({ head: Buffer.from(pipelined) }), false],
  ];
  const [what, make, optional] = dice.pick(cases);
  return { kind: `broken framing: ${what}`, req: make(), replyOptional: optional };
};

/** How often each family comes up, in percent. */
const MIX: Array<[Family, number]> = [
  [validBatch, 8], [validOther, 2], [badJson, 9], [truncatedJson, 6], [hugeBody, 1.5], [wrongTypes, 14], [badToken, 8], [crossDevice, 10],
  [traversal, 10], [sqlInjection, 12], [wrongMethod, 5], [wrongContentType, 5], [hugeHeaders, 2], [randomBytes, 5.5], [brokenFraming, 2],
];

/** Request i of a run: the same for the same seed and i, whatever order the requests go in. */
export function hostileCase(seed: number, i: number, t: HostileTargets): HostileCase {
  if (i === 0) return overEveryLimit(t);
  const dice = new Dice(mulberry32((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0));
  let roll = dice.next() * MIX.reduce((s, [, w]) => s + w, 0);
  for (const [family, weight] of MIX) {
    roll -= weight;
    if (roll < 0) return family(dice, i, t);
  }
  return MIX[0]![0](dice, i, t);
}
