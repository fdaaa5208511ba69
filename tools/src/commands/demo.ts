import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { createShare, openSqliteStore, shareUrl } from "@kayaktrack/ingest";
import { simulate } from "../simulate/simulation.ts";
import { serve } from "./serve.ts";
import { abortOnInterrupt, showOnTerminal, simulationOptions, summaryText } from "./simulate.ts";

const DEMO_DIR = "./data/demo";

/** A secret kept in a file of its own (mode 0600), made on first use. */
function secretFile(path: string, make: () => string): string {
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const value = make();
  writeFileSync(path, value + "\n", { mode: 0o600 });
  chmodSync(path, 0o600);
  return value;
}

export interface DemoOptions {
  port?: string;
  /** simulated seconds per real second (default 10: the two-hour lake loop in 12 minutes) */
  speedup?: string;
  synthetic?: string;
}

/** The demo's device and its live share link, made on the first run and kept under ./data/demo. */
async function demoDevice(dir: string, db: string) {
  const store = openSqliteStore(db);
  try {
    const device = JSON.parse(
      secretFile(join(dir, "device.json"), () => {
        const { device, token } = store.addDevice("demo kayak");
        return JSON.stringify({ id: device.id, token });
      }),
    ) as { id: number; token: string };
    const shareFile = join(dir, "share-token");
    let shareToken = existsSync(shareFile) ? readFileSync(shareFile, "utf8").trim() : "";
    const share = shareToken ? store.shareForToken(shareToken) : undefined;
    if (!share || share.revokedAt !== null) {
      shareToken = (await createShare(store, { deviceId: device.id })).token;
      writeFileSync(shareFile, shareToken + "\n", { mode: 0o600 });
    }
    return { device, shareToken };
  } finally {
    store.close();
  }
}

/**
 * `kayaktrack demo` (`pnpm demo`): the ingest service with a demo device, its
 * database under ./data/demo, and a simulated kayak trip flowing to it the
 * way a board's would: NMEA on a pseudo-terminal → the firmware → the SIM900
 * emulator on another → the service → the map. Ctrl-C stops everything.
 */
export async function demo(options: DemoOptions): Promise<void> {
  const dir = resolve(DEMO_DIR);
  mkdirSync(dir, { recursive: true });
  const db = join(dir, "kayaktrack.db");
  const adminToken = secretFile(join(dir, "admin-token"), () => randomBytes(18).toString("base64url"));
  const { device, shareToken } = await demoDevice(dir, db);

  process.env.KAYAKTRACK_ADMIN_TOKEN = adminToken;
  process.env.LOG_LEVEL ??= "warn"; // the trip's progress line, not a log line per request
  const stopped = abortOnInterrupt();
  const server = await serve({ db, port: options.port ?? process.env.PORT ?? "8080", host: "127.0.0.1" }, { signals: false });
  try {
    const sim = await simulationOptions({
      synthetic: options.synthetic ?? "lake-loop",
      speedup: options.speedup ?? "10",
      seed: String(Date.now() % 100_000),
      server: server.url,
      device: String(device.id),
      token: device.token,
      uploadEvery: "1m", // the trail on the map grows every few seconds
    });
    sim.signal = stopped;
    process.stderr.write(
      [
        "",
        `kayaktrack demo: a ${sim.route.name} trip at ${sim.speedup}× through the firmware and the SIM900 emulator to ${server.url}`,
        "",
        `  the map:     ${server.url}/   (sign in with the admin token ${adminToken})`,
        `  share link:  ${shareUrl(server.url, shareToken)}   (the live boat, no sign-in)`,
        `  database:    ${db}`,
        `  demo device: id ${device.id}, token ${device.token}`,
        "",
        "Ctrl-C stops everything.",
        "",
      ].join("\n"),
    );
    const terminal = showOnTerminal(sim);
    const result = await simulate(sim);
    terminal.end();
    process.stdout.write(summaryText(result) + "\n");
    if (!stopped.aborted) {
      process.stderr.write(`\nThe trip is over; the map keeps it at ${server.url}/. Ctrl-C stops the service.\n`);
      await new Promise((r) => stopped.addEventListener("abort", r, { once: true }));
    }
  } finally {
    await server.close();
  }
  process.stderr.write("kayaktrack demo: stopped.\n");
}
