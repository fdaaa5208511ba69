import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { addDevice, startServerProcess, tempDb } from "@kayaktrack/tools/server-process";

/**
 * A server under load is killed with SIGKILL right after it acknowledged
 * batches; after a restart every acknowledged fix must be there.
 */
describe("durability", () => {
  it("keeps every acknowledged fix across SIGKILLs under load", async () => {
    const db = tempDb("kt-durability-");
    const devices = await Promise.all(Array.from({ length: 4 }, (_, i) => addDevice(db, `kayak ${i}`)));
    const acked = new Map<number, Set<number>>(devices.map((d) => [d.id, new Set()]));
    const t0 = Math.floor(Date.now() / 1000) - 86400;
    const seqs = new Map<number, number>(devices.map((d) => [d.id, 0]));

    for (let round = 0; round < 3; round++) {
      const server = await startServerProcess(db, { LOG_LEVEL: "warn" });
      let ackCount = 0;
      let killed = false;
      const client = async (d: { id: number; token: string }) => {
        while (!killed) {
          const seq = seqs.get(d.id)!;
          seqs.set(d.id, seq + 1);
          const times = Array.from({ length: 20 }, (_, k) => t0 + seq * 20 + k);
          try {
            const res = await fetch(`${server.url}/api/v1/batches`, {
              method: "POST",
              headers: { "Content-Type": "application/json", Authorization: `Bearer ${d.token}` },
              body: JSON.stringify({ device: d.id, seq, fixes: times.map((time) => ({ time, lat: 59.9, lon: 10.7 })) }),
            });
            if (res.status === 200) {
              await res.json();
              for (const t of times) acked.get(d.id)!.add(t);
              // Kill right after an acknowledgement, while other batches are in flight.
              if (++ackCount === 40 + round * 25) {
                killed = true;
                server.child.kill("SIGKILL");
              }
            }
          } catch {
            return; // connection died with the server: this batch was not acknowledged
          }
        }
      };
      await Promise.all(devices.map(client));
      const exit = await server.exited;
      expect(exit.signal).toBe("SIGKILL");
    }

    const restarted = await startServerProcess(db);
    await restarted.kill("SIGTERM");
    const check = new Database(db, { readonly: true });
    for (const d of devices) {
      const rows = check.prepare("SELECT t_ms FROM fixes WHERE device_id = ?").all(d.id) as Array<{ t_ms: number }>;
      const stored = new Set(rows.map((r) => r.t_ms / 1000));
      const missing = [...acked.get(d.id)!].filter((t) => !stored.has(t));
      expect(missing, `device ${d.id}`).toEqual([]);
      expect(acked.get(d.id)!.size).toBeGreaterThan(0);
    }
    check.close();
  });
});
