import { afterEach, describe, expect, it } from "vitest";
import { openPtyPair, type PtyPair } from "./pty-pair.ts";
import { openSerialLink } from "./serial-link.ts";

let pty: PtyPair | undefined;
afterEach(async () => {
  await pty?.close();
});

/** Resolves with the first `n` bytes `chunks` collects. */
const until = (chunks: Buffer[], n: number) =>
  new Promise<Buffer>((resolve, reject) => {
    const t0 = Date.now();
    const poll = () => {
      const all = Buffer.concat(chunks);
      if (all.length >= n) resolve(all);
      else if (Date.now() - t0 > 3000) reject(new Error(`only ${all.length} of ${n} bytes came`));
      else setTimeout(poll, 5);
    };
    poll();
  });

describe("openSerialLink", () => {
  it("carries binary data both ways over a pseudo-terminal pair; strings go as latin1", async () => {
    pty = await openPtyPair();
    const fromA: Buffer[] = [];
    const fromB: Buffer[] = [];
    const a = await openSerialLink(pty.paths[0], (c) => fromA.push(c));
    const b = await openSerialLink(pty.paths[1], (c) => fromB.push(c));
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    a.io.write(all);
    b.io.write("\xff\r\n\x00é");
    await Promise.all([a.drain(), b.drain()]);
    expect(await until(fromB, 256)).toEqual(all);
    expect(await until(fromA, 5)).toEqual(Buffer.from([0xff, 0x0d, 0x0a, 0x00, 0xe9]));
    await a.close();
    await a.close();
    expect(() => a.io.write("x")).toThrow(/closed/);
    await b.close();
  });

  it("names the path when it cannot open it", async () => {
    await expect(openSerialLink("/dev/no-such-tty", () => {})).rejects.toThrow(/cannot open serial port \/dev\/no-such-tty/);
  });
});
