import { describe, expect, it } from "vitest";
import { fixAt } from "./store.contract.ts";
import { BatchConflictError, type FixWriter, type Store } from "./store.ts";

const T0 = 1_700_000_000;

/**
 * The suite every FixWriter passes. `open` gives a fresh store and a writer
 * over the same database; the store is used to add devices and read back.
 */
export function describeFixWriterContract(name: string, open: () => Promise<{ store: Store; writer: FixWriter }>) {
  describe(`FixWriter contract: ${name}`, () => {
    it("answers like Store.write, with ids, and stores what it answered", async () => {
      const { store, writer } = await open();
      const a = (await store.addDevice("a")).device.id;
      const [first, second] = await writer.write([
        { deviceId: a, source: "batch", fixes: [fixAt(T0), fixAt(T0 + 1, { alt: null, battery: 80 })], batch: { seq: 1, digest: "d", rejected: 2 } },
        { deviceId: a, source: "osmand", fixes: [fixAt(T0 + 1), fixAt(T0 + 2)] },
      ]);
      expect(first).toMatchObject({ storedCount: 2, duplicates: 0, replayed: false, ack: { seq: 1, stored: 2, duplicates: 0, rejected: 2 } });
      expect(second).toMatchObject({ storedCount: 1, duplicates: 1, replayed: false });
      const stored = [...(first as { stored: unknown[] }).stored, ...(second as { stored: unknown[] }).stored];
      expect(stored).toEqual((await store.fixes({ deviceId: a, limit: 10 })).map((f) => ({ ...f })));
      await writer.close();
      await store.close();
    });

    it("replays a batch, and refuses a reused seq with a BatchConflictError without failing the others", async () => {
      const { store, writer } = await open();
      const a = (await store.addDevice("a")).device.id;
      const batch = { deviceId: a, source: "batch" as const, fixes: [fixAt(T0)], batch: { seq: 5, digest: "x", rejected: 0 } };
      await writer.write([batch]);
      const [replay, conflict, other] = await writer.write([
        batch,
        { ...batch, fixes: [fixAt(T0 + 9)], batch: { seq: 5, digest: "y", rejected: 0 } },
        { deviceId: a, source: "owntracks", fixes: [fixAt(T0 + 10)] },
      ]);
      expect(replay).toMatchObject({ replayed: true, stored: [], storedCount: 0, ack: { seq: 5, stored: 1 } });
      expect(conflict).toBeInstanceOf(BatchConflictError);
      expect(other).toMatchObject({ stored: [{ time: T0 + 10 }] });
      expect((await store.fixes({ deviceId: a, limit: 10 })).map((f) => f.time)).toEqual([T0, T0 + 10]);
      await writer.close();
      await store.close();
    });

    it("finishes the writes asked for before close, refuses later ones, and closes twice", async () => {
      const { store, writer } = await open();
      const a = (await store.addDevice("a")).device.id;
      const pending = writer.write([{ deviceId: a, source: "osmand", fixes: [fixAt(T0)] }]);
      const closed = writer.close();
      await expect(pending).resolves.toHaveLength(1);
      await closed;
      await writer.close();
      await expect(writer.write([{ deviceId: a, source: "osmand", fixes: [fixAt(T0 + 1)] }])).rejects.toThrow(Error);
      expect(await store.fixes({ deviceId: a, limit: 10 })).toHaveLength(1);
      await store.close();
    });
  });
}
