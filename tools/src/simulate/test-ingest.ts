import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openSqliteStore, startServer, type Limits, type SqliteStore, type StoredFix } from "@kayaktrack/ingest";

/**
 * For tests: a real ingest server in this process, on a new SQLite database
 * file, with one device. fixes() reads the database itself, not the server.
 */
export async function startTestIngest(limits: Partial<Limits> = {}) {
  const dbPath = join(mkdtempSync(join(tmpdir(), "kt-modem-")), "kayaktrack.db");
  const store = openSqliteStore(dbPath);
  const { device, token } = store.addDevice("sea kayak");
  store.close();
  /** SQLite answers in this thread: the tests read it without awaiting */
  const readDb = <T>(fn: (s: SqliteStore) => T): T => {
    const s = openSqliteStore(dbPath);
    try {
      return fn(s);
    } finally {
      s.close();
    }
  };
  const server = await startServer({ db: dbPath, port: 0, host: "127.0.0.1", adminToken: "admin-token-for-tests", logLevel: "silent", limits });
  let closed: Promise<void> | undefined;
  return {
    url: server.url,
    batchesUrl: `${server.url}/api/v1/batches`,
    device: { id: device.id, token },
    /** the device's fixes, as the database has them */
    fixes(): StoredFix[] {
      return readDb((s) => s.fixes({ deviceId: device.id, limit: 100_000 }));
    },
    /** the device's battery volts, as its latest batch reported them */
    batteryVolts(): number | null {
      return readDb((s) => s.getDevice(device.id)!.batteryVolts);
    },
    /** Stops the server (the database stays until remove()); safe twice. */
    close(): Promise<void> {
      closed ??= server.close();
      return closed;
    },
    async remove(): Promise<void> {
      await this.close();
      rmSync(dirname(dbPath), { recursive: true, force: true });
    },
  };
}

export type TestIngest = Awaited<ReturnType<typeof startTestIngest>>;
