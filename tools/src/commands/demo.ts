import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { openSqliteStore } from "@kayaktrack/ingest";
import { serve } from "./serve.ts";

const DEMO_DIR = "./data/demo";

/** A secret kept in a file of its own (mode 0600), made on first use. */
function secretFile(path: string, make: () => string): string {
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const value = make();
  writeFileSync(path, value + "\n", { mode: 0o600 });
  chmodSync(path, 0o600);
  return value;
}

/**
 * `kayaktrack demo`: the ingest service with a demo device, its database under
 * ./data/demo, and the web map at its address. (The simulated trip joins it as it is built.)
 */
export async function demo(options: { port?: string }): Promise<void> {
  const dir = resolve(DEMO_DIR);
  mkdirSync(dir, { recursive: true });
  const db = join(dir, "kayaktrack.db");
  const adminToken = secretFile(join(dir, "admin-token"), () => randomBytes(18).toString("base64url"));
  const device = JSON.parse(
    secretFile(join(dir, "device.json"), () => {
      const store = openSqliteStore(db);
      try {
        const { device, token } = store.addDevice("demo kayak");
        return JSON.stringify({ id: device.id, token });
      } finally {
        store.close();
      }
    }),
  ) as { id: number; token: string };

  process.env.KAYAKTRACK_ADMIN_TOKEN = adminToken;
  const server = await serve({ db, port: options.port ?? process.env.PORT ?? "8080", host: "127.0.0.1" });
  const t = Math.floor(Date.now() / 1000);
  process.stderr.write(
    [
      "",
      `kayaktrack demo: ingest service at ${server.url} (database ${db})`,
      `  admin token:  ${adminToken}`,
      `  demo device:  id ${device.id}, token ${device.token}`,
      `  the map:      open ${server.url}/ and sign in with the admin token`,
      "",
      "Send a fix the way Traccar Client does:",
      `  curl -X POST '${server.url}/api/v1/osmand?id=${device.id}&token=${device.token}&lat=59.91&lon=10.75&timestamp=${t}&speed=3.5'`,
      "See it:",
      `  curl -H 'Authorization: Bearer ${adminToken}' ${server.url}/api/v1/devices`,
      `  curl -N -H 'Authorization: Bearer ${adminToken}' ${server.url}/api/v1/live`,
      "Ctrl-C stops it.",
      "",
    ].join("\n"),
  );
}
