import { describeFixWriterContract } from "./fix-writer.contract.ts";
import { openSqliteStore } from "./sqlite/sqlite-store.ts";
import { storeWriter } from "./store.ts";

describeFixWriterContract("the store in this thread", async () => {
  const store = openSqliteStore(":memory:");
  return { store, writer: storeWriter(store) };
});
