import { describe, expect, it } from "vitest";
import { openSqliteStore } from "@kayaktrack/ingest";
import { runCli, tempDb } from "../server-process.ts";

describe("kayaktrack device", () => {
  it("add --json prints only {id, token}; list shows it; revoke revokes it", async () => {
    const db = tempDb("kt-cli-");
    const added = await runCli(["device", "add", "sea kayak", "--json", "--db", db]);
    expect(added.code).toBe(0);
    const creds = JSON.parse(added.stdout);
    expect(Object.keys(creds).sort()).toEqual(["id", "token"]);
    expect(creds.token.length).toBeGreaterThanOrEqual(22);

    const human = await runCli(["device", "add", "canoe"], { KAYAKTRACK_DB: db });
    expect(human.stdout).toMatch(/Added device 2 \(canoe\)/);
    expect(human.stdout).toMatch(/token: \S{22}/);

    const list = await runCli(["device", "list", "--db", db]);
    expect(list.stdout).toMatch(/1\s+sea kayak\s+active\s+never/);
    expect(list.stdout).not.toContain(creds.token);

    expect((await runCli(["device", "revoke", String(creds.id), "--db", db])).code).toBe(0);
    const after = JSON.parse((await runCli(["device", "list", "--json", "--db", db])).stdout);
    expect(after[0].revokedAt).toBeTypeOf("number");
  });

  it("set keeps upload intervals for the tracker, checked as the firmware checks them", async () => {
    const db = tempDb("kt-cli-");
    await runCli(["device", "add", "kayak", "--db", db]);
    const set = await runCli(["device", "set", "1", "--upload-every", "5m", "--upload-after", "60", "--db", db]);
    expect(set.stdout).toBe("Device 1 will be asked to upload every 300 s or once 60 fixes are pending.\n");
    expect(JSON.parse((await runCli(["device", "list", "--json", "--db", db])).stdout)[0].trackerSettings).toEqual({ uploadEveryS: 300, uploadAfterFixes: 60 });
    const bad = await runCli(["device", "set", "1", "--upload-every", "10s", "--db", db]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/uploadEveryS must be a whole number from 60 to 86400/);
    expect((await runCli(["device", "set", "1", "--clear", "--db", db])).stdout).toMatch(/its own upload intervals/);
  });

  it("set --owntracks-key keeps an OwnTracks phone's encryption key (never listed); --no-owntracks-key forgets it", async () => {
    const db = tempDb("kt-cli-");
    await runCli(["device", "add", "phone", "--db", db]);
    const set = await runCli(["device", "set", "1", "--owntracks-key", "kayak-secret", "--db", db]);
    expect(set.stdout).toBe("Device 1's encrypted OwnTracks messages will be opened with the key given.\n");
    expect((await runCli(["device", "list", "--json", "--db", db])).stdout).not.toContain("kayak-secret");
    const store = openSqliteStore(db);
    expect(store.owntracksKey(1)).toBe("kayak-secret");
    store.close();
    expect((await runCli(["device", "set", "1", "--no-owntracks-key", "--db", db])).stdout).toBe("Device 1 has no OwnTracks key.\n");
    expect((await runCli(["device", "set", "7", "--owntracks-key", "x", "--db", db])).stderr).toMatch(/no device 7/);
    const empty = await runCli(["device", "set", "1", "--owntracks-key", "", "--db", db]);
    expect([empty.code, empty.stderr]).toEqual([1, expect.stringMatching(/--owntracks-key: give the app's secret encryption key/)]);
  });

  it("fails clearly on a bad name or an unknown id", async () => {
    const db = tempDb("kt-cli-");
    const bad = await runCli(["device", "add", "", "--db", db]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/name is 1 to 100 printable characters/);
    const unknown = await runCli(["device", "revoke", "42", "--db", db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no device 42/);
  });
});
