/** @module /api/targets/:id/ligands */
import { Hono } from "hono";
import { z } from "zod";
import type { Agent } from "../../core/mod.ts";
import { ok } from "../envelope.ts";
import { num, queryParams } from "../params.ts";

export function targetRoutes(agent: Agent) {
  const app = new Hono();
  app.get("/:id/ligands", async (c) => {
    const t0 = performance.now();
    const q = queryParams(
      c,
      z.object({ limit: num("limit", 1, 2000, true), curated: z.enum(["true", "false"]).optional() }),
    );
    return ok(
      c,
      await agent.runTool("ligands_of_target", {
        target: c.req.param("id"),
        limit: q.limit ?? 200,
        include_activity: q.curated !== "true",
      }),
      t0,
    );
  });
  return app;
}
