/** @module /api/compounds: lookup, search, similar, targets. */
import { Hono } from "hono";
import { z } from "zod";
import type { Agent } from "../../core/mod.ts";
import { ok } from "../envelope.ts";
import { num, queryParams } from "../params.ts";

export function compoundRoutes(agent: Agent) {
  const app = new Hono();

  app.get("/", async (c) => {
    const t0 = performance.now();
    const { search, limit } = queryParams(
      c,
      z.object({
        search: z.string().trim().min(1, "search is required").max(
          200,
          "search is longer than 200 characters",
        ),
        limit: num("limit", 1, 100, true),
      }),
    );
    return ok(c, {
      ...await agent.searchCompounds(search, limit ?? 10),
      provenance: [{ source: `offline dataset ${agent.data.version}` }],
    }, t0);
  });

  app.get("/:id", async (c) => {
    const t0 = performance.now();
    return ok(c, await agent.runTool("compound_lookup", { query: c.req.param("id") }), t0);
  });

  app.get("/:id/similar", async (c) => {
    const t0 = performance.now();
    const q = queryParams(
      c,
      z.object({ threshold: num("threshold", 0, 1), limit: num("limit", 1, 500, true) }),
    );
    return ok(
      c,
      await agent.runTool("similarity_search", {
        compound: c.req.param("id"),
        threshold: q.threshold ?? 0.7,
        limit: q.limit ?? 10,
      }),
      t0,
    );
  });

  app.get("/:id/targets", async (c) => {
    const t0 = performance.now();
    const q = queryParams(c, z.object({ curated: z.enum(["true", "false"]).optional() }));
    return ok(
      c,
      await agent.runTool("targets_of_compound", {
        compound: c.req.param("id"),
        include_activity: q.curated !== "true",
      }),
      t0,
    );
  });

  return app;
}
