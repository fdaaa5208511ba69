import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeFilesContract } from "./files.contract.ts";
import { MemoryFiles } from "./files.ts";
import { NodeFiles } from "./node-files.ts";

describeFilesContract("memory", () => new MemoryFiles());
describeFilesContract("node:fs", () => new NodeFiles(mkdtempSync(join(tmpdir(), "kt-card-"))));
