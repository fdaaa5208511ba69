import { defineConfig } from "vite";

// `pnpm build:map` writes dist/, which the ingest service serves at / (ingest/src/routes/map-ui.ts).
// `pnpm --filter @kayaktrack/map-ui dev` serves the sources with the API of a server on :8080.
export default defineConfig({
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 400 },
  server: {
    proxy: { "/api": "http://127.0.0.1:8080", "/map-config.json": "http://127.0.0.1:8080" },
  },
});
