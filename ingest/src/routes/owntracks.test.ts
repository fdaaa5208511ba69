import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { jsonInit, T0, testService } from "../testing.ts";

describe("POST /api/v1/owntracks", () => {
  it("stores a location (vel in km/h) and replies []", async () => {
    const s = testService();
    const body = { _type: "location", lat: 59.9, lon: 10.7, tst: T0, acc: 8, alt: 3, vel: 9, cog: 270, batt: 64, tid: "kk" };
    const res = await s.app.request("/api/v1/owntracks", jsonInit(body, s.basic(s.device.id, s.device.token)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    expect(s.fixes()[0]).toMatchObject({ time: T0, lat: 59.9, lon: 10.7, speed: 2.5, course: 270, accuracy: 8, battery: 64, source: "owntracks" });
  });

  it("accepts and ignores other message types and the empty body of a deleted friend", async () => {
    const s = testService();
    const empty = await s.app.request("/api/v1/owntracks", jsonInit("", s.basic(s.device.id, s.device.token)));
    expect(await empty.json()).toEqual([]);
    for (const _type of ["transition", "waypoint", "lwt", "card", "status"]) {
      const res = await s.app.request("/api/v1/owntracks", jsonInit({ _type }, s.basic(s.device.id, s.device.token)));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    }
    expect(s.fixes()).toHaveLength(0);
  });

  it("needs Basic auth with the device's own token", async () => {
    const s = testService();
    const body = { _type: "location", lat: 1, lon: 2, tst: T0 };
    for (const h of [{}, s.bearer(s.device.token), s.basic(s.device.id, "x"), s.basic(s.device.id, s.other.token), s.basic("me", s.device.token)]) {
      const res = await s.app.request("/api/v1/owntracks", jsonInit(body, h));
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/Basic/);
    }
    expect(s.fixes()).toHaveLength(0);
  });

  it("answers malformed JSON with 400 and other content types with 415", async () => {
    const s = testService();
    const h = s.basic(s.device.id, s.device.token);
    expect((await s.app.request("/api/v1/owntracks", jsonInit("{nope", h))).status).toBe(400);
    const res = await s.app.request("/api/v1/owntracks", { method: "POST", headers: { ...h, "Content-Type": "text/plain" }, body: "{}" });
    expect(res.status).toBe(415);
  });
});

/** owntracks/android EncryptionProviderTest.kt (25c27be), lines 47–61: a real encrypted location, key "123". */
const ANDROID_ENCRYPTED = {
  _type: "encrypted",
  _id: "0571e18d",
  data: "aUiEKyGnskRz383od0mu4uqxTIxeZUddBVxKEmsdv1FFSH2y0NwqLP1tTqOmxaFhGv0bNX1DT7o81FW9Yaxpla6Byvr6CZV3t2skQv8nlxiIv1ZpQWM1bqHE0JFHwD3/yRx9bLHRF3j67kWcO6o2D/xn4ma8Fd4u86NPobFkRIzIhJljphEZyDCGugp7H3FkydGvgEkljb1/P1K91E/ij+m73wFplvTQm8ba5eWSFlQHDdY2B7QwbVPrKarHJLrm1+Y29+HD4Wg6TNhBJZLvdsmek6AcZLB+bq7Q84tUWoLrKp3aiyJZZX70q4HbVI3skkmDWMuMP2cDmsY9bvBjh1ZWAGlOq5VS1dWIlu6OWgWN9VdDbLzP+s2ykeFXrGs=",
};

describe("OwnTracks' encrypted messages (libsodium secretbox, as both apps encrypt)", () => {
  it("opens them with the device's key and stores the location inside", async () => {
    const s = testService();
    await s.deps.store.setOwntracksKey(s.device.id, "123");
    // As the Android app sends it (HttpMessageProcessorEndpoint.kt: application/json; charset=utf-8, X-Limit-U/D).
    const headers = { ...s.basic(s.device.id, s.device.token), "User-Agent": "Owntracks-Android/gms/420500000", "X-Limit-U": String(s.device.id), "X-Limit-D": "pixel", "Content-Type": "application/json; charset=utf-8" };
    const res = await s.app.request("/api/v1/owntracks", jsonInit(ANDROID_ENCRYPTED, headers));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    // {"_type":"location","acc":5,"alt":5,"batt":100,…,"lat":50.1182933,"lon":-5.5407733,…,"tst":1754215100,"vel":0}
    expect(s.fixes()).toEqual([expect.objectContaining({ time: 1754215100, lat: 50.1182933, lon: -5.5407733, alt: 5, accuracy: 5, battery: 100, speed: 0 })]);
  });

  it("refuses them with 501, which the apps retry, when no key is set or the key is another; logged and counted", async () => {
    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (l: string) => void lines.push(l) });
    const s = testService({}, { log });
    const send = () => s.app.request("/api/v1/owntracks", jsonInit(ANDROID_ENCRYPTED, s.basic(s.device.id, s.device.token)));
    const none = await send();
    expect(none.status).toBe(501);
    expect((await none.json()).detail).toMatch(/no OwnTracks key is set for this device: set it with 'kayaktrack device set \d+ --owntracks-key KEY'/);
    await s.deps.store.setOwntracksKey(s.device.id, "124");
    expect(((await (await send()).json()) as { detail: string }).detail).toMatch(/the device's OwnTracks key does not open it/);
    expect(s.fixes()).toHaveLength(0);
    expect(lines.filter((l) => l.includes("an encrypted message kept waiting on the phone"))).toHaveLength(2);
    // A warning each, not a server error with a stack.
    expect(lines.filter((l) => l.includes("request failed"))).toEqual([]);
    expect(await (await s.app.request("/metrics")).text()).toContain('kayaktrack_requests_rejected_total{status="501",error="encrypted message"} 2');
    // Once the key is right, the message the app kept goes in.
    await s.deps.store.setOwntracksKey(s.device.id, "123");
    expect((await send()).status).toBe(200);
    expect(s.fixes()).toHaveLength(1);
  });
});

describe("OwnTracks for iOS: a point of interest with a photo (OwnTracking.m -waypointAsJSON:)", () => {
  it("stores the position of a message carrying a 3 MB image, and keeps no image", async () => {
    const s = testService();
    // A base64 JPEG of about 3 MB (the app's own are 192 × 192 px; the limit is 8 MiB, far above).
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2_300_000, 7), Buffer.from([0xff, 0xd9])]).toString("base64");
    const body = { _type: "location", t: "u", lat: 52.5163, lon: 13.3777, tst: 1714557600, acc: 5, alt: 34, vac: 3, vel: 7, cog: 271, tid: "KY", batt: 85, bs: 1,
      poi: "Put-in at the weir", imagename: "IMG_0042.jpg", image: jpeg, topic: `owntracks/${s.device.id}/iphone` };
    const headers = { ...s.basic(s.device.id, s.device.token), "X-Limit-U": String(s.device.id), "X-Limit-D": "iphone" };
    const res = await s.app.request("/api/v1/owntracks", jsonInit(body, headers));
    expect(res.status).toBe(200);
    expect(s.fixes()).toEqual([expect.objectContaining({ time: 1714557600, lat: 52.5163, lon: 13.3777, alt: 34, battery: 85 })]);
    expect(JSON.stringify(s.fixes())).not.toContain("IMG_0042");
    // Past the bound, a clear 413.
    const huge = await s.app.request("/api/v1/owntracks/", jsonInit({ ...body, image: "A".repeat(9 * 1024 * 1024) }, headers));
    expect(huge.status).toBe(413);
  });

  it("counts messages that carry no position by their type, and takes the URL with a trailing slash", async () => {
    const s = testService();
    for (const _type of ["transition", "card", "card", "something-new"]) {
      expect((await s.app.request("/api/v1/owntracks/", jsonInit({ _type }, s.basic(s.device.id, s.device.token)))).status).toBe(200);
    }
    const metrics = await (await s.app.request("/metrics")).text();
    expect(metrics).toContain('kayaktrack_messages_not_positions_total{source="owntracks",kind="card"} 2');
    expect(metrics).toContain('kayaktrack_messages_not_positions_total{source="owntracks",kind="other"} 1');
  });
});
