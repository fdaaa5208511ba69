import { Hono } from "hono";
import { HttpError } from "../http-error.ts";
import type { ServiceDeps } from "../deps.ts";

/** `/healthz` (answers only when the database does) and `/metrics` (Prometheus text format). */
export function opsRoute(deps: ServiceDeps) {
  return new Hono()
    .get("/healthz", async (c) => {
      try {
        await deps.store.check();
      } catch (e) {
        deps.log.error({ err: e }, "health check failed");
        throw new HttpError(503, "unhealthy", "the database does not answer");
      }
      return c.json({ status: "ok" });
    })
    .get("/metrics", async (c) => {
      deps.metrics.liveClients.set(deps.hub.size);
      c.header("Content-Type", deps.metrics.registry.contentType);
      return c.body(await deps.metrics.registry.metrics());
    });
}
