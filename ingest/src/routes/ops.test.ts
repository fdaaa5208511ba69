import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { jsonInit, T0, testService } from "../testing.ts";

describe("operations", () => {
  it("/healthz answers ok while the database answers, 503 after it closed", async () => {
    const s = testService();
    const ok = await s.app.request("/healthz");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok" });
    s.store.close();
    expect((await s.app.request("/healthz")).status).toBe(503);
  });

  it("/metrics counts stored fixes, duplicates, rejects, batches, live clients and latency", async () => {
    const s = testService();
    const fixes = [{ time: T0, lat: 1, lon: 2 }, { time: T0, lat: 1, lon: 2 }, { time: T0 + 1, lat: 95, lon: 2 }];
    await s.app.request("/api/v1/batches", jsonInit({ device: s.device.id, seq: 1, fixes }, s.bearer(s.device.token)));
    await s.app.request("/api/v1/devices", { headers: s.bearer("wrong") });
    const res = await s.app.request("/metrics");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/kayaktrack_fixes_stored_total\{source="batch"\} 1/);
    expect(text).toMatch(/kayaktrack_fixes_duplicate_total\{source="batch"\} 1/);
    expect(text).toMatch(/kayaktrack_fixes_rejected_total\{reason="lat"\} 1/);
    expect(text).toMatch(/kayaktrack_batches_total\{source="batch",outcome="stored"\} 1/);
    expect(text).toMatch(/kayaktrack_requests_rejected_total\{status="401",error="unauthorized"\} 1/);
    expect(text).toMatch(/kayaktrack_live_clients 0/);
    expect(text).toMatch(/kayaktrack_http_request_duration_seconds_bucket\{le="0.05",method="POST",route="\/api\/v1\/batches",status="200"\}/);
  });

  it("logs every request with its id, without query strings or share tokens", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const s = testService({}, { log });
    const res = await s.app.request(`/api/v1/osmand?id=${s.device.id}&token=${s.device.token}&lat=1&lon=1&timestamp=${T0}`, { method: "POST" });
    await s.app.request("/api/v1/shares/SECRETSHARETOKEN/export.gpx");
    await s.app.request("/s/SECRETSHARETOKEN");
    // Paths with doubled slashes, as a browser or a proxy may pass them on (issue 22, item 8).
    for (const path of ["//s/SECRETSHARETOKEN", "/s//SECRETSHARETOKEN", "//api/v1/shares/SECRETSHARETOKEN", "/api/v1//shares/SECRETSHARETOKEN/live"]) await s.app.request(path);
    const requests = lines.filter((l) => l.msg === "request");
    expect(requests.map((l) => l.path)).toEqual(["/api/v1/osmand", "/api/v1/shares/***/export.gpx", "/s/***", "/s/***", "/s/***", "/api/v1/shares/***", "/api/v1/shares/***/live"]);
    expect(requests[0]!.reqId).toBe(res.headers.get("x-request-id"));
    expect(JSON.stringify(lines)).not.toMatch(/SECRETSHARETOKEN|token=/);
  });

  it("answers unknown routes with a JSON 404 and sets a request id", async () => {
    const s = testService();
    const res = await s.app.request("/nope/../../etc/passwd");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "not found" });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });
});
