import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The root test command runs every package's vitest project (each has its own vitest.config.ts).
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export default defineConfig({
  test: {
    globalSetup: [join(root, "test", "temp-dir-setup.ts")],
    projects: ["firmware", "ingest", "map-ui", "tools", "test"].map((p) => join(root, p)),
  },
});
