import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startServer } from "../server.ts";
import { pageSecurityPolicy } from "./map-ui.ts";
import { createService } from "../service.ts";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import { ADMIN } from "../testing.ts";

/** A build folder beside a secret file that must never be served. */
function fakeBuild() {
  const root = mkdtempSync(join(tmpdir(), "kt-map-"));
  writeFileSync(join(root, "secret.txt"), "SECRET");
  const dir = join(root, "dist");
  mkdirSync(join(dir, "assets"), { recursive: true });
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>map</title>");
  writeFileSync(join(dir, "assets", "index-abc123.js"), "console.log(1)");
  writeFileSync(join(dir, "favicon.svg"), "<svg/>");
  symlinkSync(join(root, "secret.txt"), join(dir, "link.txt"));
  return { root, dir };
}

const service = (map: Record<string, string>) => createService({ store: openSqliteStore(":memory:"), adminToken: ADMIN, map });

describe("the web map's files", () => {
  it("serves the page at / and at /s/TOKEN, built files by name, hashed assets as immutable", async () => {
    const { dir } = fakeBuild();
    const { app } = service({ dir });
    for (const path of ["/", "/s/AbCdEf123_-x"]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(await res.text()).toContain("<title>map</title>");
    }
    const js = await app.request("/assets/index-abc123.js");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(await js.text()).toBe("console.log(1)");
    expect((await app.request("/favicon.svg")).headers.get("content-type")).toBe("image/svg+xml");
  });

  it("guards the page of / and of a share link: a Content-Security-Policy for its own code and the tiles, no framing, no referrer (issue 22, item 9)", async () => {
    const { dir } = fakeBuild();
    const { app } = service({ dir });
    for (const path of ["/", "/s/AbCdEf123_-x"]) {
      const res = await app.request(path);
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("img-src 'self' data: blob: https://tile.openstreetmap.org");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    }
    expect(pageSecurityPolicy("https://{s}.tile.example.org/{z}/{x}/{y}.png")).toContain("img-src 'self' data: blob: https://*.tile.example.org;");
    expect(pageSecurityPolicy("http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png")).toContain("http://127.0.0.1:8081;");
    expect(pageSecurityPolicy("https://tiles-{s}.example.com/{z}/{x}/{y}.png")).toContain("img-src 'self' data: blob: https://*.example.com;");
    // A relative template: the tiles come from the map's own server, and the server starts.
    expect(pageSecurityPolicy("/tiles/{z}/{x}/{y}.png")).toContain("img-src 'self' data: blob: 'self';");
  });

  it("tells the tile layer: OpenStreetMap unless configured", async () => {
    const { dir } = fakeBuild();
    const osm = await (await service({ dir }).app.request("/map-config.json")).json();
    expect(osm.tiles.url).toBe("https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    expect(osm.tiles.attribution).toContain("OpenStreetMap");
    const own = await (await service({ dir, tileUrl: "http://tiles.local/{z}/{x}/{y}.png", tileAttribution: "mine" }).app.request("/map-config.json")).json();
    expect(own).toEqual({ tiles: { url: "http://tiles.local/{z}/{x}/{y}.png", attribution: "mine" } });
  });

  it("finds nothing outside the build folder, whatever the path says", async () => {
    const { dir } = fakeBuild();
    const { app } = service({ dir });
    const paths = ["/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/assets%2f..%2f..%2fsecret.txt", "/link.txt", "/%2fetc%2fpasswd", "//etc/passwd"];
    for (const path of paths) {
      const res = await app.request(path);
      const text = await res.text();
      expect(text, path).not.toContain("SECRET");
      expect(text, path).not.toContain("root:");
      expect(res.status, path).toBe(404);
    }
  });

  it("refuses traversal sent raw over HTTP too", async () => {
    const { dir } = fakeBuild();
    const server = await startServer({ db: ":memory:", port: 0, host: "127.0.0.1", adminToken: ADMIN, map: { dir }, logLevel: "silent" });
    try {
      for (const path of ["/../secret.txt", "/assets/../../secret.txt", "/..%2f..%2fsecret.txt", "/s/..%2f..%2fsecret.txt"]) {
        const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          request({ host: "127.0.0.1", port: server.port, path }, (res) => {
            let body = "";
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode!, body }));
          })
            .on("error", reject)
            .end();
        });
        expect(reply.body, path).not.toContain("SECRET");
        expect([200, 404], path).toContain(reply.status); // /s/… is the page itself
      }
    } finally {
      await server.close();
    }
  });

  it("leaves API paths alone and picks up a new build", async () => {
    const { dir } = fakeBuild();
    const { app } = service({ dir });
    const api = await app.request("/api/v1/nope");
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: "not found", detail: "no such route" });
    expect((await app.request("/healthz")).status).toBe(200);
    expect((await app.request("/api/v1/devices")).status).toBe(401);

    await new Promise((r) => setTimeout(r, 20)); // a later mtime
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>new build</title>");
    writeFileSync(join(dir, "assets", "index-def456.js"), "console.log(2)");
    expect(await (await app.request("/")).text()).toContain("new build");
    expect(await (await app.request("/assets/index-def456.js")).text()).toBe("console.log(2)");
  });

  it("says how to build the map when it is not built", async () => {
    const { app } = service({ dir: join(tmpdir(), "kt-no-such-map") });
    const res = await app.request("/");
    expect(res.status).toBe(503);
    expect((await res.json()).detail).toMatch(/pnpm build:map/);
  });
});
