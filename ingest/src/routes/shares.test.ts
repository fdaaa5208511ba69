import { hostname } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { fixAt } from "../store/store.contract.ts";
import { SHARE_STEP_MS } from "../shares/share-links.ts";
import { T0, jsonInit, testService } from "../testing.ts";

/** A service whose device paddled one trip of 600 s, and now keeps sending. */
function withTrip() {
  const s = testService();
  const now = Math.floor(Date.now() / 1000);
  const trip = Array.from({ length: 600 }, (_, i) => fixAt(T0 + i, { lon: 10 + i * 1e-5 }));
  const recent = Array.from({ length: 60 }, (_, i) => fixAt(now - 3600 + i * 60, { lon: 11 + i * 1e-4 }));
  s.store.write([{ deviceId: s.device.id, source: "batch", fixes: [...trip, ...recent] }]);
  return s;
}

async function tripId(s: ReturnType<typeof testService>) {
  const res = await s.app.request(`/api/v1/devices/${s.device.id}/trips`, { headers: s.admin });
  return (await res.json()).trips[0].id as number;
}

async function create(s: ReturnType<typeof testService>, body: unknown) {
  return s.app.request("/api/v1/admin/shares", jsonInit(body, s.admin));
}

describe("share links", () => {
  it("makes the link from KAYAKTRACK_PUBLIC_URL, else only from a Host that is this machine's (issue 22, item 10)", async () => {
    const s = withTrip();
    const id = await tripId(s);
    const at = async (url: string) => (await s.app.request(url, jsonInit({ trip: id }, s.admin))).json();
    const forged = await at("http://evil.example/api/v1/admin/shares");
    expect(forged.url).toBeUndefined();
    expect(forged.path).toBe(`/s/${forged.token}`);
    expect(forged.note).toMatch(/KAYAKTRACK_PUBLIC_URL/);
    for (const host of ["127.0.0.1:8080", "localhost:3000", "[::1]:8080", hostname()]) {
      const own = await at(`http://${host}/api/v1/admin/shares`);
      expect(own.url).toBe(`http://${host}/s/${own.token}`);
    }
    s.deps.publicUrl = "https://kayak.example.org/";
    const set = await at("http://evil.example/api/v1/admin/shares");
    expect(set.url).toBe(`https://kayak.example.org/s/${set.token}`);
  });

  it("shares a trip without a login, with statistics, line, fixes and an export", async () => {
    const s = withTrip();
    const id = await tripId(s);
    const res = await create(s, { trip: id, expires: "7d" });
    expect(res.status).toBe(201);
    const made = await res.json();
    expect(made.token.length).toBeGreaterThanOrEqual(22);
    expect(made).toMatchObject({ kind: "trip", tripId: id, deviceId: s.device.id, url: `http://localhost/s/${made.token}` });

    const view = await (await s.app.request(`/api/v1/shares/${made.token}`)).json();
    expect(view.trip).toMatchObject({ id, fixes: 600, line: { type: "LineString" } });
    expect(view.trip.track.time).toHaveLength(600);
    expect((await (await s.app.request(`/api/v1/shares/${made.token}?zoom=18`)).json()).trip.zoom).toBe(18);
    expect((await s.app.request(`/api/v1/shares/${made.token}?zoom=23`)).status).toBe(400);
    expect(view.device.name).toBe("kayak");
    const { fixes, next } = await (await s.app.request(`/api/v1/shares/${made.token}/fixes`)).json();
    expect(fixes).toHaveLength(600);
    expect(next).toBeNull();
    const gpx = await (await s.app.request(`/api/v1/shares/${made.token}/export.gpx`)).text();
    expect(gpx.match(/<trkpt /g)).toHaveLength(600);
    // The admin's list never shows tokens.
    const list = await (await s.app.request("/api/v1/admin/shares", { headers: s.admin })).json();
    expect(JSON.stringify(list)).not.toContain(made.token);
  });

  it("shares a trip that no one has listed yet, as after an import, and answers 404 for a trip that does not exist", async () => {
    const s = withTrip();
    const res = await create(s, { trip: 1 });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ kind: "trip", tripId: 1 });
    expect(await (await s.app.request(`/api/v1/trips/1`, { headers: s.admin })).json()).toMatchObject({ id: 1, fixes: 600 });
    const missing = await create(s, { trip: 99 });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ detail: "no trip 99" });
  });

  it("hides the newest fixes of a device share behind its privacy delay", async () => {
    const s = withTrip();
    const made = await (await create(s, { device: s.device.id, delay: "15m" })).json();
    const { fixes } = await (await s.app.request(`/api/v1/shares/${made.token}/fixes`)).json();
    const newest = Math.max(...fixes.map((f: { time: number }) => f.time));
    expect(newest).toBeLessThanOrEqual(Date.now() / 1000 - 15 * 60);
    expect(fixes.length).toBeGreaterThanOrEqual(44); // the last hour, one a minute, less 15 minutes
    expect(fixes.length).toBeLessThanOrEqual(46);
    const view = await (await s.app.request(`/api/v1/shares/${made.token}`)).json();
    expect(view.device.latest.time).toBe(newest);
    expect(view.trip).toBeUndefined();
  });

  it("measures a trip share under a privacy delay on its visible fixes only, so no figure gives the hidden position away", async () => {
    const s = withTrip();
    const now = Math.floor(Date.now() / 1000);
    const { trips } = await (await s.app.request(`/api/v1/devices/${s.device.id}/trips`, { headers: s.admin })).json();
    const recent = trips.find((t: { end: string }) => Date.parse(t.end) / 1000 > now - 600);
    expect(recent).toBeDefined();
    const made = await (await create(s, { trip: recent.id, delay: "15m" })).json();
    const view = await (await s.app.request(`/api/v1/shares/${made.token}`)).json();
    const { fixes } = await (await s.app.request(`/api/v1/shares/${made.token}/fixes`)).json();
    const newest = fixes.at(-1);
    expect(newest.time).toBeLessThanOrEqual(now - 15 * 60);
    // Statistics, box, line and latest position all stop at the newest visible fix.
    expect(Date.parse(view.trip.end) / 1000).toBe(newest.time);
    expect(view.trip.fixes).toBe(fixes.length);
    expect(view.trip.fixes).toBeLessThan(recent.fixes);
    expect(view.trip.bbox[2]).toBeCloseTo(newest.lon, 9); // the recent fixes go east
    expect(view.trip.distanceM).toBeLessThan(recent.distanceM);
    expect(view.trip.track.time.at(-1)).toBe(newest.time);
    expect(view.device.latest.time).toBe(newest.time);

    // A delay that hides the whole trip shows nothing of it, nor the fix before it.
    const hidden = await (await create(s, { trip: recent.id, delay: "3h" })).json();
    const res = await s.app.request(`/api/v1/shares/${hidden.token}`);
    expect(res.status).toBe(404);
    expect((await res.json()).detail).toMatch(/nothing of this trip is shown yet/);
    expect((await (await s.app.request(`/api/v1/shares/${hidden.token}/fixes`)).json()).fixes).toEqual([]);
  });

  it("answers 410 for a revoked or expired link and 404 for an unknown one", async () => {
    const s = withTrip();
    const made = await (await create(s, { device: s.device.id, expires: 60 })).json();
    expect((await s.app.request(`/api/v1/shares/${made.token}`)).status).toBe(200);
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ["Date"] });
    try {
      expect((await s.app.request(`/api/v1/shares/${made.token}`)).status).toBe(410);
    } finally {
      vi.useRealTimers();
    }
    const other = await (await create(s, { device: s.device.id })).json();
    const del = await s.app.request(`/api/v1/admin/shares/${other.id}`, { method: "DELETE", headers: s.admin });
    expect(del.status).toBe(200);
    const gone = await s.app.request(`/api/v1/shares/${other.token}/fixes`);
    expect(gone.status).toBe(410);
    expect((await gone.json()).detail).toMatch(/revoked/);
    expect((await s.app.request(`/api/v1/shares/${"x".repeat(22)}`)).status).toBe(404);
  });

  it("keeps a trip link working when late fixes merge the trip into an earlier one", async () => {
    const s = withTrip();
    const second = Array.from({ length: 300 }, (_, i) => fixAt(T0 + 3 * 3600 + i, { lon: 10.1 + i * 2e-5 }));
    s.store.write([{ deviceId: s.device.id, source: "batch", fixes: second }]);
    const trips = (await (await s.app.request(`/api/v1/devices/${s.device.id}/trips`, { headers: s.admin })).json()).trips;
    expect(trips.map((t: { start: string }) => t.start).slice(0, 2)).toEqual([T0, T0 + 3 * 3600].map((t) => new Date(t * 1000).toISOString()));
    const made = await (await create(s, { trip: trips[1].id })).json();
    // Fixes in the gap join the two trips; the shared trip's id disappears.
    const bridge = Array.from({ length: 101 }, (_, i) => fixAt(T0 + 650 + i * 100, { lon: 10.006 + i * 0.00094 })); // 0.5 m/s
    s.store.write([{ deviceId: s.device.id, source: "batch", fixes: bridge }]);
    const view = await (await s.app.request(`/api/v1/shares/${made.token}`)).json();
    expect(view.trip).toMatchObject({ id: trips[0].id, fixes: 600 + 101 + 300 });
  });

  it("refuses bad requests and needs the admin token to manage links", async () => {
    const s = withTrip();
    for (const body of [{}, { trip: 1, device: 1 }, { device: "x" }, { device: s.device.id, expires: "soon" }, { device: s.device.id, delay: -5 }]) {
      expect((await create(s, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await create(s, { trip: 999 })).status).toBe(404);
    expect((await create(s, { device: 999 })).status).toBe(404);
    expect((await s.app.request("/api/v1/admin/shares", jsonInit({ device: s.device.id }))).status).toBe(401);
  });

  it("refuses an expiry or delay past any date with 400 and keeps no share (the hostile-HTTP run found a 500)", async () => {
    const s = withTrip();
    const huge = [1e308, 1e13, "3000000000000w", "9".repeat(300) + "d"];
    for (const body of huge.flatMap((v) => [{ device: s.device.id, expires: v }, { device: s.device.id, delay: v }])) {
      expect((await create(s, body)).status, JSON.stringify(body).slice(0, 60)).toBe(400);
    }
    expect(s.deps.store.shares()).toHaveLength(0);
    // A hundred years is still a duration.
    expect((await create(s, { device: s.device.id, expires: "5200w", delay: "5200w" })).status).toBe(201);
  });

  it("serves a long trip in progress behind a delay for what arrived since the last request, not the whole trip again (issue 22, item 3)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.ceil(Date.now() / SHARE_STEP_MS) * SHARE_STEP_MS); // the trip moves on in these steps
    try {
      const s = testService();
      const now = Math.floor(Date.now() / 1000);
      const path = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => fixAt(now + from + k, { lon: 10 + (from + k) * 2e-5, speed: 1 }));
      s.store.write([{ deviceId: s.device.id, source: "batch", fixes: path(-20_000, 1) }]);
      const made = await (await create(s, { device: s.device.id })).json();
      expect(made.kind).toBe("device");
      const id = (await (await s.app.request(`/api/v1/devices/${s.device.id}/trips`, { headers: s.admin })).json()).trips[0].id;
      const share = await (await create(s, { trip: id, delay: "10m" })).json();
      let rows = 0;
      for (const name of ["fixes", "fixesAfterId"] as const) {
        const read = s.deps.store[name].bind(s.deps.store) as (...a: unknown[]) => unknown[];
        (s.deps.store as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
          const r = read(...a);
          rows += r.length;
          return r;
        };
      }
      const view = async () => (await s.app.request(`/api/v1/shares/${share.token}?zoom=${10 + (rows % 8)}`)).json();
      const first = await view();
      expect(first.trip.fixes).toBe(19_401); // up to ten minutes ago
      expect(rows).toBeGreaterThan(19_000);
      for (let minute = 1; minute <= 3; minute++) {
        vi.setSystemTime((now + 60 * minute) * 1000);
        s.store.write([{ deviceId: s.device.id, source: "batch", fixes: path(60 * minute - 59, 60 * minute + 1) }]);
        rows = 0;
        const next = await view();
        expect(next.trip.fixes).toBe(19_401 + 60 * minute);
        expect(next.trip.end).toBe(new Date((now + 60 * minute - 600) * 1000).toISOString());
        // The new minute, read a few times over (the trips, the view, its look for late fixes), and no more.
        expect(rows, `minute ${minute}`).toBeLessThan(60 * 6);
      }
    } finally {
      vi.useRealTimers();
    }
  });
});
