import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeFixWriterContract } from "../fix-writer.contract.ts";
import { fixAt } from "../store.contract.ts";
import { openSqliteStore } from "./sqlite-store.ts";
import { packFixes, unpackFixes } from "../../packed-fixes.ts";
import { startWriterThread } from "./writer-thread.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-writer-"));
let n = 0;

describeFixWriterContract("a SQLite writer thread", async () => {
  const path = join(dir, `w${n++}.db`);
  const store = openSqliteStore(path);
  return { store, writer: await startWriterThread(path) };
});

describe("packing fixes for the writer thread", () => {
  it("keeps every field, nulls included", () => {
    const fixes = [fixAt(1_700_000_000.123), fixAt(1_700_000_001, { alt: null, speed: 0, course: null, battery: 55, accuracy: 4.5 })];
    expect(unpackFixes(packFixes(fixes))).toEqual(fixes);
  });
});

describe("a writer thread that cannot start", () => {
  it("rejects with the reason instead of hanging", async () => {
    await expect(startWriterThread(join(dir, "not-a-dir.db", "\0bad"))).rejects.toThrow();
  });
});
