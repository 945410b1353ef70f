/** @module Liveness and readiness. */
import { Hono } from "hono";
import type { Agent } from "../../core/mod.ts";

export interface Lifecycle {
  draining: boolean;
  /** HTTP requests in flight (counted by the drain middleware). */
  inFlight?: number;
  startedAt: number;
  /** Background indices (substructure library, suggestions) are built. */
  indicesReady?: boolean;
  /** Cache warming finished. */
  warmed?: boolean;
}

/** Identifies this process in /ready (load-balancing checks, debugging which replica answered). */
const INSTANCE = Deno.env.get("HOSTNAME") ?? crypto.randomUUID().slice(0, 8);

export function healthRoutes(agent: Agent, life: Lifecycle) {
  const app = new Hono();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", (c) => {
    const body = {
      status: life.draining ? "draining" : "ready",
      dataset: {
        version: agent.data.version,
        compounds: agent.data.compounds.length,
        targets: agent.data.targets.length,
      },
      rdkit: agent.chem.version,
      instance: INSTANCE,
      indices_ready: !!life.indicesReady,
      cache_warmed: !!life.warmed,
      uptime_s: Math.round((performance.now() - life.startedAt) / 1000),
    };
    return c.json(body, life.draining ? 503 : 200);
  });
  return app;
}
