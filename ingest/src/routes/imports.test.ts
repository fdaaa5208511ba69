import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { MemoryFiles } from "@kayaktrack/firmware/files";
import { Journal } from "@kayaktrack/firmware/journal";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusLogs, GPSD_CORPUS } from "@kayaktrack/firmware/testing/gpsd-corpus";
import { testService } from "../testing.ts";
import { IMPORT_COMMIT_FIXES } from "./imports.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "../import/testdata", name));

function post(s: ReturnType<typeof testService>, device: number, query: string, body: NonNullable<RequestInit["body"]>) {
  return s.app.request(`/api/v1/devices/${device}/imports?${query}`, { method: "POST", headers: s.admin, body });
}

/** What a device has stored, as comparable values. */
const track = (s: ReturnType<typeof testService>, id: number) =>
  s.fixes(id).map((f) => ({ time: f.time, lat: f.lat, lon: f.lon, alt: f.alt, speed: f.speed, course: f.course, sats: f.sats, hdop: f.hdop }));

describe("imports", () => {
  it("parses a file off the HTTP thread: other requests go on meanwhile (issue 22, item 6)", async () => {
    const s = testService();
    // 800,000 waypoints (34 MB): long to parse, nothing to store; then ten track points.
    const filler = `<wpt lat="59.9" lon="10.1"><name>x</name></wpt>`.repeat(800_000);
    const body = `<?xml version="1.0"?><gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1">${filler}<trk><trkseg>${Array.from({ length: 10 }, (_, i) => `<trkpt lat="59.9" lon="10.${i}"><time>2026-06-01T10:00:0${i}Z</time></trkpt>`).join("")}</trkseg></trk></gpx>`;
    let worst = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 10);
    try {
      const res = await post(s, s.device.id, "name=long.gpx", body);
      worst = Math.max(worst, performance.now() - last);
      expect(await res.json()).toMatchObject({ stored: 10 });
    } finally {
      clearInterval(ticker);
    }
    // Parsed here it held the thread for 1.2 s; in its own thread, the longest wait was 0.15 s (encoding the test's body).
    expect(worst).toBeLessThan(600);
  }, 60_000);

  it("stores a long file in commits of IMPORT_COMMIT_FIXES, between the trackers' own", async () => {
    const s = testService();
    const sizes: number[] = [];
    const submit = s.deps.queue.submit.bind(s.deps.queue);
    s.deps.queue.submit = (r) => (sizes.push(r.fixes.length), submit(r));
    const points = Array.from({ length: 5000 }, (_, i) => `<trkpt lat="59.9" lon="${(10 + i * 1e-4).toFixed(4)}"><time>${new Date((1_780_000_000 + i) * 1000).toISOString()}</time></trkpt>`).join("");
    const body = `<gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1"><trk><trkseg>${points}</trkseg></trk></gpx>`;
    expect(await (await post(s, s.device.id, "name=long.gpx", body)).json()).toMatchObject({ fixes: 5000, stored: 5000 });
    expect(sizes).toEqual(Array.from({ length: Math.ceil(5000 / IMPORT_COMMIT_FIXES) }, (_, k) => Math.min(IMPORT_COMMIT_FIXES, 5000 - k * IMPORT_COMMIT_FIXES)));
  });

  it("runs importsAtOnce imports at a time, lets importsWaiting wait, and answers 503 past them", async () => {
    const s = testService({ importsAtOnce: 1, importsWaiting: 1 });
    let finish!: () => void;
    const held = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode("$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\n"));
        await new Promise<void>((resolve) => (finish = resolve));
        controller.close();
      },
    });
    const init = (body: NonNullable<RequestInit["body"]>) => ({ method: "POST", headers: s.admin, body, duplex: "half" }) as RequestInit;
    const first = s.app.request(`/api/v1/devices/${s.device.id}/imports?name=a.nmea`, init(held));
    await new Promise((r) => setTimeout(r, 50));
    const second = s.app.request(`/api/v1/devices/${s.device.id}/imports?name=garmin-tpx.gpx`, init(fixture("garmin-tpx.gpx")));
    await new Promise((r) => setTimeout(r, 50));
    const third = await s.app.request(`/api/v1/devices/${s.device.id}/imports?name=garmin-tpx.gpx`, init(fixture("garmin-tpx.gpx")));
    expect(third.status).toBe(503);
    expect(third.headers.get("retry-after")).toBe("30");
    expect((await third.json()).detail).toMatch(/1 import\(s\) running and 1 waiting/);
    finish();
    expect((await first).status).toBe(200);
    expect(await (await second).json()).toMatchObject({ stored: 7 });
  });

  it("imports a GPX file, and the same file again adds nothing", async () => {
    const s = testService();
    const first = await post(s, s.device.id, "name=garmin-tpx.gpx", fixture("garmin-tpx.gpx"));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      file: "garmin-tpx.gpx", format: "gpx", fixes: 7, stored: 7, duplicates: 0, rejected: 0, skipped: { "wpt (not a track point)": 1 },
    });
    const again = await (await post(s, s.device.id, "name=garmin-tpx.gpx", fixture("garmin-tpx.gpx"))).json();
    expect(again).toMatchObject({ stored: 0, duplicates: 7 });
    expect(s.fixes()).toHaveLength(7);
  });

  it("round-trips real NMEA logs through a GPX export: the same fixes come back", async () => {
    const s = testService();
    for (const log of ["garmin48.log", "sl869.log", "mt3339.log"]) {
      const res = await post(s, s.device.id, `name=${log}`, readFileSync(join(GPSD_CORPUS, log)));
      expect(res.status, log).toBe(200);
      expect((await res.json()).stored, log).toBeGreaterThan(5);
    }
    const gpx = await (await s.app.request(`/api/v1/devices/${s.device.id}/export.gpx`, { headers: s.admin })).text();
    const back = await post(s, s.other.id, "name=export.gpx", gpx);
    expect(back.status).toBe(200);
    // GPX carries 7 decimals of a degree, centimetres of altitude, mm/s and 1/100 degree of course.
    const r = (v: number | null, d: number) => (v === null ? null : Math.round(v * 10 ** d) / 10 ** d);
    const round = (t: ReturnType<typeof track>) =>
      t.map((f) => ({ ...f, lat: r(f.lat, 7), lon: r(f.lon, 7), alt: r(f.alt, 2), speed: r(f.speed, 3), course: r(f.course, 2) }));
    expect(round(track(s, s.other.id))).toEqual(round(track(s, s.device.id)));
  });

  it("round-trips GPX files (Garmin's TrackPointExtension, GPX 1.0 with speed and course) through a GPX export", async () => {
    const s = testService();
    for (const file of ["garmin-tpx.gpx", "gpx10-speed.gpx"]) {
      const res = await post(s, s.device.id, `name=${file}`, fixture(file));
      expect((await res.json()).stored, file).toBeGreaterThan(2);
    }
    const gpx = await (await s.app.request(`/api/v1/devices/${s.device.id}/export.gpx`, { headers: s.admin })).text();
    const back = await (await post(s, s.other.id, "name=export.gpx", gpx)).json();
    expect(back).toMatchObject({ stored: track(s, s.device.id).length, rejected: 0 });
    expect(track(s, s.other.id)).toEqual(track(s, s.device.id));
  });

  it("refuses bad files with 400 and the reason, storing nothing of them", async () => {
    const s = testService();
    const good = fixture("gpx10-speed.gpx").toString();
    const cases: Array<[string, NonNullable<RequestInit["body"]>, RegExp]> = [
      ["name=cut.gpx", good.slice(0, 400), /malformed GPX/],
      ["name=ns.gpx", good.replace("GPX/1/0", "GPX/9/9"), /not GPX 1.0 or 1.1/],
      ["name=plan.gpx", fixture("no-times.gpx"), /no <time>/],
      ["name=x.bin", new Uint8Array([0xff, 0xfe, 0x00, 0x41]), /not UTF-8 text/],
      ["name=empty.gpx", "", /is empty/],
      ["name=gga-only.nmea", "$GPGGA,225308,4527.458,S,16709.165,E,1,05,1.5,14.7,M,1.1,M,,*54\n", /no valid RMC/],
      ["format=shp", good, /'format' must be one of gpx, nmea/],
    ];
    for (const [query, body, message] of cases) {
      const res = await post(s, s.device.id, query, body);
      expect(res.status, query).toBe(400);
      expect((await res.json()).detail, query).toMatch(message);
    }
    expect(s.fixes()).toEqual([]);
    // Without times, a start time makes the points one second apart.
    const planned = await post(s, s.device.id, "name=plan.gpx&start=2024-06-01T08:00:00Z", fixture("no-times.gpx"));
    expect(await planned.json()).toMatchObject({ stored: 3 });
  });

  it("refuses a file over the import limit with 413, and needs the admin token", async () => {
    const s = testService({ maxImportBytes: 1000 });
    const res = await post(s, s.device.id, "name=big.gpx", fixture("garmin-tpx.gpx"));
    expect(res.status).toBe(413);
    expect(s.fixes()).toEqual([]);
    const anon = await s.app.request(`/api/v1/devices/${s.device.id}/imports`, { method: "POST", body: "x" });
    expect(anon.status).toBe(401);
    expect((await post(s, 99, "", "x")).status).toBe(404);
  });
});

describe("importing the tracker's SD journal", () => {
  it("imports a journal file, torn line and all, for a trip recorded without coverage", async () => {
    const files = new MemoryFiles();
    const journal = new Journal({ files });
    journal.open();
    const fixAt = (i: number) => ({ time: 1_750_000_000 + i * 10, lat: 61.1 + i * 1e-4, lon: 8.4, alt: 412, speed: 2.1, course: 45, hdop: 0.9, sats: 9 });
    for (let i = 0; i < 20; i++) journal.append(fixAt(i));
    files.cut = 12;
    expect(() => journal.append(fixAt(20))).toThrow(/power cut/); // the power went mid-line
    const s = testService();
    const res = await post(s, s.device.id, "name=J0000001.TXT", files.data["J0000001.TXT"]!);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ format: "journal", fixes: 20, stored: 20, skipped: { "torn or damaged line": 1 } });
    expect(s.fixes()[3]).toMatchObject({ time: 1_750_000_030, lat: 61.1003, alt: 412, speed: 2.1, course: 45, hdop: 0.9, sats: 9, source: "import" });
    expect(await (await post(s, s.device.id, "name=J0000001.TXT", files.data["J0000001.TXT"]!)).json()).toMatchObject({ stored: 0, duplicates: 20 });
  });
});

/** A track point as GPSBabel writes it in GPX 1.0: 9 decimals of a degree, 3 of a metre, 6 of m/s and degrees. */
type BabelPoint = ReturnType<typeof track>[number];

/**
 * The track points GPSBabel (Debian's gpsbabel; tools/bin/setup-machine.js installs it) reads
 * from a GPX file, as it writes them out again in GPX 1.0, read here with
 * plain patterns: each element that GPSBabel writes, null where it writes none.
 */
function gpsbabelPoints(file: string, dir: string): BabelPoint[] {
  const out = join(dir, "read-back.gpx");
  execFileSync("gpsbabel", ["-t", "-i", "gpx", "-f", file, "-o", "gpx,gpxver=1.0", "-F", out], { stdio: "pipe" });
  return [...readFileSync(out, "utf8").matchAll(/<trkpt lat="([^"]+)" lon="([^"]+)">([\s\S]*?)<\/trkpt>/g)].map(([, lat, lon, body]) => {
    const el = (name: string) => {
      const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(body!);
      return m ? m[1]! : null;
    };
    const num = (name: string) => (el(name) === null ? null : Number(el(name)));
    return { time: Date.parse(el("time")!) / 1000, lat: Number(lat), lon: Number(lon), alt: num("ele"), speed: num("speed"), course: num("course"), sats: num("sat"), hdop: num("hdop") };
  });
}

/**
 * Expects stored fixes to be the points GPSBabel read: in time order, the first
 * of equal times, each field within `within` of GPSBabel's (the rounding
 * between them) and null where GPSBabel has none; fields in `skip` unchecked.
 */
function expectSamePoints(stored: BabelPoint[], read: BabelPoint[], what: string, within: Partial<Record<keyof BabelPoint, number>>, skip: Array<keyof BabelPoint> = []) {
  const points = read.filter((p, i) => read.findIndex((q) => q.time === p.time) === i).sort((a, b) => a.time - b.time);
  expect(stored.length, what).toBe(points.length);
  stored.forEach((f, i) => {
    const p = points[i]!;
    for (const key of Object.keys(p) as Array<keyof BabelPoint>) {
      if (skip.includes(key)) continue;
      const [a, b] = [f[key], p[key]];
      const where = `${what}, ${key} of point ${i} at ${p.time}`;
      if (a === null || b === null) expect(a, where).toBe(b);
      else expect(Math.abs(a - b), where).toBeLessThanOrEqual(within[key] ?? 0);
    }
  });
}

describe("GPX from and to GPSBabel, on real receivers' logs", () => {
  // GPX written by another program from real receivers' output: GPSBabel, the common
  // converter, turns every log of the gpsd corpus it can date into GPX 1.0 and 1.1.
  // gpsd is no oracle here: GPSBabel's own NMEA reading differs from gpsd's (on
  // ais-nmea.log, say, it gives each second the position of the one before).
  let dir: string;
  let files: Array<{ log: string; version: "1.0" | "1.1"; path: string; gpx: string }>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kt-gpsbabel-"));
    files = corpusLogs().flatMap((log) =>
      (["1.0", "1.1"] as const).map((version) => {
        const path = join(dir, `${log}-${version}.gpx`);
        execFileSync("gpsbabel", ["-i", "nmea", "-f", join(GPSD_CORPUS, log), "-o", `gpx,gpxver=${version}`, "-F", path], { stdio: "pipe" });
        return { log, version, path, gpx: readFileSync(path, "utf8") };
      }),
    ).filter((f) => f.gpx.includes("<trkpt "));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("imports GPSBabel's GPX 1.0 and 1.1 of every log it can read: every point, as GPSBabel reads it", async () => {
    const s = testService();
    const tracks: Record<string, BabelPoint[]> = {};
    for (const { log, version, path, gpx } of files) {
      const what = `${log} as GPX ${version}`;
      const device = (await s.deps.store.addDevice(what)).device.id;
      const res = await post(s, device, `name=${log}.gpx`, gpx);
      expect(res.status, what).toBe(200);
      const points = gpsbabelPoints(path, dir);
      const body = await res.json();
      expect(body, what).toMatchObject({ format: "gpx", fixes: points.length, rejected: 0 });
      expect(body.stored + body.duplicates, what).toBe(points.length);
      // The same decimals on both sides: what the file says, to the last digit.
      expectSamePoints((tracks[what] = track(s, device)), points, what, { lat: 1e-12, lon: 1e-12, alt: 1e-9, speed: 1e-9, course: 1e-9, hdop: 1e-9 });
    }
    expect(files.length).toBeGreaterThan(60);
    expect(Object.values(tracks).flat().length).toBeGreaterThan(2000);
    // GPX 1.1 has no speed and course: apart from those, both versions store the same.
    const noMotion = (t: BabelPoint[]) => t.map((f) => ({ ...f, speed: null, course: null }));
    for (const { log } of files.filter((f) => f.version === "1.0")) {
      expect(noMotion(tracks[`${log} as GPX 1.1`]!), log).toEqual(noMotion(tracks[`${log} as GPX 1.0`]!));
    }
    expect(Object.values(tracks).flat().filter((f) => f.speed !== null && f.course !== null).length).toBeGreaterThan(500);
  });

  it("exports GPX that the schema accepts and GPSBabel reads back point for point", async () => {
    const s = testService();
    for (const { log, gpx } of files.filter((f) => f.version === "1.0")) {
      expect((await post(s, s.device.id, `name=${log}.gpx`, gpx)).status, log).toBe(200);
    }
    const res = await s.app.request(`/api/v1/devices/${s.device.id}/export.gpx`, { headers: s.admin });
    const file = join(dir, "export.gpx");
    writeFileSync(file, await res.text());
    execFileSync("xmllint", ["--noout", "--schema", join(import.meta.dirname, "../export/testdata/gpx-1.1.xsd"), file], { stdio: "pipe" });
    const stored = track(s, s.device.id);
    expect(stored.length).toBeGreaterThan(1000);
    // The export's decimals: 7 of a degree, 2 of a metre and of HDOP. GPSBabel 1.8 reads no speed
    // or course from GPX 1.1 (ours are in Garmin's TrackPointExtension, which other tools read).
    expectSamePoints(stored, gpsbabelPoints(file, dir), "the export", { lat: 5.01e-8, lon: 5.01e-8, alt: 0.00501, hdop: 0.00501 }, ["speed", "course"]);
  });
});
