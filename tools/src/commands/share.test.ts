import { describe, expect, it } from "vitest";
import { openSqliteStore } from "@kayaktrack/ingest";
import { ADMIN, runCli, startServerProcess, tempDb } from "../server-process.ts";

const T0 = 1_700_000_000;

describe("kayaktrack share", () => {
  it("creates trip and device links that a real server opens without a login, lists and revokes them", async () => {
    const db = tempDb("kt-share-");
    const store = openSqliteStore(db);
    const { device } = store.addDevice("kayak");
    const fixes = Array.from({ length: 400 }, (_, i) => ({
      time: T0 + i, lat: 59.9, lon: 10.7 + i * 2e-5, alt: null, speed: 1.1, course: 90, hdop: null, sats: null, accuracy: null, battery: null,
    }));
    store.write([{ deviceId: device.id, source: "import", fixes }]);
    store.close();

    // Trip 1 as the fixes split, though no one has listed trips since they were written.
    const made = await runCli(["share", "create", "--trip", "1", "--expires", "7d", "--json", "--url", "https://kayak.example/", "--db", db]);
    expect(made.code).toBe(0);
    const { token, url } = JSON.parse(made.stdout);
    expect(url).toBe(`https://kayak.example/s/${token}`);
    const live = await runCli(["share", "create", "--device", String(device.id), "--delay", "15m", "--db", db]);
    expect(live.stdout).toMatch(/Share 2 of device 1 \(never expires, delay 900 s\):\n  http:\/\/localhost:8080\/s\/\S{22}/);

    const server = await startServerProcess(db);
    try {
      const view = await fetch(`${server.url}/api/v1/shares/${token}`);
      expect(view.status).toBe(200);
      expect(((await view.json()) as { trip: unknown }).trip).toMatchObject({ id: 1, fixes: 400 });
      const list = await runCli(["share", "list", "--db", db]);
      expect(list.stdout).toMatch(/1\ttrip 1\tactive\tdelay 0 s\texpires 20\d\d-/);
      expect(list.stdout).not.toContain(token);
      expect((await runCli(["share", "revoke", "1", "--db", db])).code).toBe(0);
      expect((await fetch(`${server.url}/api/v1/shares/${token}`)).status).toBe(410);
      const admin = await fetch(`${server.url}/api/v1/admin/shares`, { headers: { Authorization: `Bearer ${ADMIN}` } });
      expect(((await admin.json()) as { shares: Array<{ revoked: boolean }> }).shares.map((s) => s.revoked)).toEqual([true, false]);
    } finally {
      await server.kill();
    }
  });

  it("fails clearly on bad options", async () => {
    const db = tempDb("kt-share-");
    for (const [args, message] of [
      [[], /share either one trip or one device/],
      [["--trip", "1", "--device", "1"], /share either one trip or one device/],
      [["--device", "1"], /no device 1/],
      [["--trip", "x"], /--trip must be a positive integer/],
      [["--device", "1", "--expires", "soon"], /--expires must be a duration like 90s, 15m, 2h or 7d/],
    ] as const) {
      const r = await runCli(["share", "create", ...args, "--db", db]);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect((await runCli(["share", "revoke", "5", "--db", db])).stderr).toMatch(/no share 5/);
  });
});
