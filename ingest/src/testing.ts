import type { Logger } from "pino";
import { openSqliteStore } from "./store/sqlite/sqlite-store.ts";
import { createService } from "./service.ts";
import type { Limits } from "./limits.ts";

export const ADMIN = "admin-token-for-tests";
export const T0 = 1_700_000_000;

/** A service on an in-memory database with one device, for `app.request()` tests (silent unless given a logger). */
export function testService(limits: Partial<Limits> = {}, { log }: { log?: Logger } = {}) {
  // SQLite answers at once: the test reads it without awaiting.
  const store = openSqliteStore(":memory:");
  const service = createService({ store, adminToken: ADMIN, limits, ...(log && { log }) });
  const { device, token } = store.addDevice("kayak");
  const other = store.addDevice("other");
  const fixes = (id = device.id) => store.fixes({ deviceId: id, limit: 100_000 });
  return {
    ...service,
    /** the service's store, as SQLite: answers without awaiting */
    store,
    device: { id: device.id, token },
    other: { id: other.device.id, token: other.token },
    fixes,
    admin: { Authorization: `Bearer ${ADMIN}` },
    bearer: (t: string) => ({ Authorization: `Bearer ${t}` }),
    basic: (user: string | number, password: string) => ({
      Authorization: "Basic " + Buffer.from(`${user}:${password}`).toString("base64"),
    }),
  };
}

export function jsonInit(body: unknown, headers: Record<string, string> = {}, method = "POST"): RequestInit {
  return {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/** Reads SSE events from a response until `until` says stop. */
export async function readEvents(res: Response, until: (events: Array<Record<string, string>>) => boolean) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: Array<Record<string, string>> = [];
  let buf = "";
  const deadline = Date.now() + 5000;
  while (!until(events)) {
    if (Date.now() > deadline) throw new Error(`timed out with ${JSON.stringify(events)}`);
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let i;
    while ((i = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const ev: Record<string, string> = {};
      for (const line of block.split("\n")) {
        const m = /^([^:]*): ?(.*)$/.exec(line);
        if (m) ev[m[1] || "comment"] = m[2]!;
      }
      events.push(ev);
    }
  }
  await reader.cancel();
  return events;
}
