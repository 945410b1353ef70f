/** @module GET /metrics in the Prometheus text format. */
import { Hono } from "hono";
import type { Metrics } from "../../core/mod.ts";

export function metricsRoutes(metrics: Metrics) {
  const app = new Hono();
  app.get(
    "/metrics",
    async (c) =>
      c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }),
  );
  return app;
}
