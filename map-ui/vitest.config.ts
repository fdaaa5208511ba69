import { defineConfig } from "vitest/config";

// Unit tests of the map's pure modules; the map in a browser is tested in test/src/map/.
export default defineConfig({
  test: { name: "map-ui", include: ["src/**/*.test.ts"] },
});
