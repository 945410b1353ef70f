/** @module /api/cache: stats, invalidation by tag/namespace/key, invalidation events, warming. */
import { Hono } from "hono";
import { z } from "zod";
import { type Agent, ChemAgentError, commonQueries, warmCache } from "../../core/mod.ts";
import { ok } from "../envelope.ts";
import { readJson } from "../middleware/json-body/index.ts";

const event = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("compound_updated"),
    id: z.string().regex(/^(CHEMBL\d+|DrugCentral:\d+)$/, "id must be a ChEMBL ID"),
  }),
  z.object({ type: z.literal("dataset_reloaded") }),
  z.object({ type: z.literal("tool_changed"), tool: z.string().min(1).max(64) }),
]);

export function cacheRoutes(agent: Agent, maxBody: number) {
  const app = new Hono();
  const cache = () => {
    if (!agent.cache) {
      throw new ChemAgentError("invalid_request", "The cache is disabled (CACHE_ENABLED=false).");
    }
    return agent.cache;
  };

  app.get("/stats", async (c) => {
    const t0 = performance.now();
    return ok(c, await cache().statsSnapshot(), t0);
  });

  app.delete("/", async (c) => {
    const t0 = performance.now();
    const tags = c.req.queries("tag") ?? [];
    const ns = c.req.query("namespace");
    const keys = c.req.queries("key") ?? [];
    if (!tags.length && !ns && !keys.length) {
      throw new ChemAgentError("invalid_parameter", "Give ?tag=…, ?namespace=query|tool|* or ?key=…");
    }
    if (ns && !["query", "tool", "*"].includes(ns)) {
      throw new ChemAgentError("invalid_parameter", "namespace must be query, tool or *");
    }
    const removed = (tags.length ? await cache().invalidateTags(tags) : 0) +
      (ns ? await cache().flush(ns) : 0) + (keys.length ? await cache().invalidateKeys(keys) : 0);
    return ok(c, { removed, tags, namespace: ns ?? null }, t0);
  });

  app.post("/events", async (c) => {
    const t0 = performance.now();
    const ev = await readJson(c, event, maxBody);
    const tag = ev.type === "compound_updated"
      ? `compound:${ev.id}`
      : ev.type === "tool_changed"
      ? `tool:${ev.tool}`
      : "source:chembl";
    const removed = await cache().invalidateTags([tag]);
    return ok(c, { event: ev.type, tag, removed }, t0);
  });

  app.post("/warm", async (c) => {
    const t0 = performance.now();
    const qs = [...await commonQueries(), ...(await agent.frequency?.top(100).catch(() => []) ?? [])];
    const report = await warmCache(agent, qs);
    return ok(c, { ...report }, t0);
  });

  return app;
}
