import { describe, expect, it } from "vitest";
import type { FixWriter, WriteRequest, WriteResult } from "./store/store.ts";
import { WriteQueue } from "./write-queue.ts";

/** A writer whose commits end when the test says so. */
function heldWriter() {
  const commits: Array<{ requests: WriteRequest[]; end: (e?: Error) => void }> = [];
  const writer: FixWriter = {
    write: (requests) =>
      new Promise((resolve, reject) => {
        commits.push({
          requests,
          end: (e) => (e ? reject(e) : resolve(requests.map((r): WriteResult => ({ stored: [], storedCount: r.fixes.length, duplicates: 0, replayed: false })))),
        });
      }),
    close: async () => {},
  };
  return { writer, commits };
}

const request = (deviceId: number, n = 1): WriteRequest => ({
  deviceId,
  source: "batch",
  fixes: Array.from({ length: n }, (_, i) => ({ time: i, lat: 0, lon: 0, alt: null, speed: null, course: null, hdop: null, sats: null, accuracy: null, battery: null })),
});

const turn = () => new Promise((r) => setImmediate(r));

describe("WriteQueue", () => {
  it("commits one turn's requests together, and gathers the next group while that commit is under way", async () => {
    const { writer, commits } = heldWriter();
    const queue = new WriteQueue(writer);
    const first = [queue.submit(request(1)), queue.submit(request(2))];
    await turn();
    expect(commits.map((c) => c.requests.length)).toEqual([2]);
    // Three turns' requests while the first commit is under way: one group, not three commits.
    const later: Array<Promise<WriteResult>> = [];
    for (let i = 0; i < 3; i++) {
      later.push(queue.submit(request(3 + i)));
      await turn();
    }
    expect(commits).toHaveLength(1);
    commits[0]!.end();
    await Promise.all(first);
    await turn();
    expect(commits.map((c) => c.requests.map((r) => r.deviceId))).toEqual([[1, 2], [3, 4, 5]]);
    commits[1]!.end();
    await Promise.all(later);
  });

  it("answers no caller before its commit, and fails only the group whose commit failed", async () => {
    const { writer, commits } = heldWriter();
    const queue = new WriteQueue(writer);
    let answered = false;
    const a = queue.submit(request(1)).then(() => (answered = true));
    await turn();
    const b = queue.submit(request(2));
    await turn();
    expect(answered).toBe(false);
    commits[0]!.end(new Error("disk full"));
    await expect(a).rejects.toThrow("disk full");
    await turn();
    commits[1]!.end();
    await expect(b).resolves.toMatchObject({ replayed: false });
  });

  it("with maxInFlight 2, a second commit starts while the first is under way", async () => {
    const { writer, commits } = heldWriter();
    const queue = new WriteQueue(writer, { maxInFlight: 2 });
    void queue.submit(request(1));
    await turn();
    void queue.submit(request(2));
    await turn();
    void queue.submit(request(3));
    await turn();
    expect(commits.map((c) => c.requests.length)).toEqual([1, 1]);
    for (const c of commits) c.end();
    await turn();
    expect(commits.map((c) => c.requests.map((r) => r.deviceId))).toEqual([[1], [2], [3]]);
    commits[2]!.end();
    await queue.close();
  });

  it("close() commits what is waiting, including the group behind a commit under way, then refuses; safe twice", async () => {
    const { writer, commits } = heldWriter();
    const queue = new WriteQueue(writer);
    const a = queue.submit(request(1));
    await turn();
    const b = queue.submit(request(2));
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await turn();
    expect(closed).toBe(false);
    commits[0]!.end();
    await a;
    await turn();
    expect(commits).toHaveLength(2);
    expect(closed).toBe(false);
    commits[1]!.end();
    await b;
    await closing;
    await queue.close();
    await expect(queue.submit(request(3))).rejects.toThrow("closed");
  });

  it("maxFixes starts a commit in the same turn when one is free", async () => {
    const { writer, commits } = heldWriter();
    const queue = new WriteQueue(writer, { maxFixes: 10 });
    void queue.submit(request(1, 6));
    expect(commits).toHaveLength(0);
    void queue.submit(request(2, 6));
    expect(commits.map((c) => c.requests.length)).toEqual([2]);
    commits[0]!.end();
    await queue.close();
  });
});
