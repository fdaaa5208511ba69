import { closeSync, constants, existsSync, openSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { openPtyPair } from "./pty-pair.ts";

// socat, and python3 where socat is missing (a socat that does not exist stands for that).
const relays = [
  ["socat", {}],
  ["python3 (no socat)", { socat: "/nonexistent/socat" }],
] as const;

describe.each(relays)("openPtyPair with %s", (_name, relay) => {
  it("joins two pseudo-terminals raw: every byte value goes through unchanged, both ways", async () => {
    const pty = await openPtyPair(relay);
    try {
      expect(pty.paths[0]).toMatch(/^\/dev\/pts\/\d+$/);
      expect(pty.paths[1]).not.toBe(pty.paths[0]);
      // Non-blocking, so that a missing byte fails the test instead of hanging it.
      const flags = constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK;
      const a = openSync(pty.paths[0], flags);
      const b = openSync(pty.paths[1], flags);
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      writeSync(a, all);
      const got = Buffer.alloc(512);
      let n = 0;
      const until = Date.now() + 3000;
      while (n < all.length && Date.now() < until) {
        try {
          n += readSync(b, got, n, got.length - n, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
        }
      }
      expect(got.subarray(0, n)).toEqual(all);
      writeSync(b, Buffer.from("back\r\n"));
      const back = Buffer.alloc(16);
      let m = 0;
      while (m < 6 && Date.now() < until + 3000) {
        try {
          m += readSync(a, back, m, back.length - m, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
        }
      }
      expect(back.subarray(0, m).toString()).toBe("back\r\n");
      closeSync(a);
      closeSync(b);
    } finally {
      await pty.close();
    }
    await pty.close(); // twice is fine
    expect(existsSync(pty.paths[0])).toBe(false);
  });

  it("names its ends a and b in a directory of their own with links, and removes it when closed", async () => {
    const pty = await openPtyPair({ ...relay, links: true });
    expect(pty.paths[0]).toMatch(/kayaktrack-pty-[^/]+\/a$/);
    expect(pty.paths[1]).toBe(pty.paths[0].replace(/a$/, "b"));
    const a = openSync(pty.paths[0], constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    closeSync(a);
    await pty.close();
    expect(existsSync(dirname(pty.paths[0]))).toBe(false);
  });

});

describe("openPtyPair without socat or python3", () => {
  it("says how to install socat", async () => {
    await expect(openPtyPair({ socat: "/nonexistent/socat", python: "/nonexistent/python3" })).rejects.toThrow(/neither socat nor python3.*install socat/);
  });
});
