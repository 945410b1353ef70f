/** @module Liveness and readiness; readiness runs a real chemistry call through the worker pool. */
import { Hono } from "hono";
import type { Agent, RedisStatus } from "../../core/mod.ts";

export interface Lifecycle {
  draining: boolean;
  /** HTTP requests in flight (counted by the drain middleware). */
  inFlight?: number;
  startedAt: number;
  /** Background indices (substructure library, suggestions) are built. */
  indicesReady?: boolean;
  /** Cache warming finished. */
  warmed?: boolean;
  /** Starts a readiness probe now (set by the routes; main.ts calls it before listening, so the first /ready
   * finds the answer there instead of waiting for a worker round trip). */
  probeChemistry?: () => Promise<unknown>;
  /** The Redis provider's state (topology, incidents, primaries), when Redis is configured. */
  redis?: () => RedisStatus;
}

/** Identifies this process in /ready (load-balancing checks, debugging which replica answered). */
const PROBE_QUESTION = "What is the molecular weight of aspirin?";

const INSTANCE = Deno.env.get("HOSTNAME") ?? crypto.randomUUID().slice(0, 8);

/** How long one probe result is reused (probing on every scrape would load the pool for nothing). */
export const CHEM_PROBE_TTL_MS = 3_000;
const PROBE_SMILES = "CC(=O)Oc1ccccc1C(=O)O"; // aspirin: 180.159 g/mol
const PROBE_DEADLINE_MS = 2_000;

interface Probe {
  ok: boolean;
  ms: number;
  at: number;
  error?: string;
}

export function healthRoutes(agent: Agent, life: Lifecycle) {
  const app = new Hono();
  let last: Probe | null = null;
  let running: Promise<Probe> | null = null;

  /** One uncached descriptor calculation in a worker, checked against the known answer; memoised briefly. */
  const probe = (): Promise<Probe> => {
    if (last && performance.now() - last.at < CHEM_PROBE_TTL_MS) return Promise.resolve(last);
    running ??= (async () => {
      const t0 = performance.now();
      try {
        const d = await agent.chem.descriptors(PROBE_SMILES, { timeoutMs: PROBE_DEADLINE_MS });
        const ok = Math.abs(d.molecular_weight - 180.159) < 0.01;
        return {
          ok,
          ms: round(performance.now() - t0),
          at: performance.now(),
          ...(ok ? {} : { error: "wrong answer" }),
        };
      } catch (e) {
        return {
          ok: false,
          ms: round(performance.now() - t0),
          at: performance.now(),
          error: (e as Error).message,
        };
      }
    })().then((p) => {
      last = p;
      running = null;
      return p;
    });
    return running;
  };

  life.probeChemistry = probe;
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", async (c) => {
    const [chem, db] = await Promise.all([probe(), dataProbe(agent)]);
    const ready = !life.draining && chem.ok && db.ok;
    const body = {
      status: life.draining
        ? "draining"
        : !chem.ok
        ? "chemistry_unavailable"
        : !db.ok
        ? "data_source_unavailable"
        : "ready",
      dataset: {
        version: agent.data.version,
        compounds: agent.data.compounds.length,
        targets: agent.data.targets.length,
        source: { ...agent.data.source.info, ...db },
      },
      rdkit: agent.chem.version,
      chemistry: {
        ok: chem.ok,
        probe_ms: chem.ms,
        probe_age_ms: round(performance.now() - chem.at),
        ...(chem.error ? { error: chem.error } : {}),
        pool: agent.chem.stats(),
      },
      instance: INSTANCE,
      indices_ready: !!life.indicesReady,
      cache_warmed: !!life.warmed,
      // Reported, not gating: the cache is fail-soft and durable writes retry through a failover, so a Redis
      // incident must not pull every instance out of the load balancer at once.
      ...(life.redis ? { redis: life.redis() } : {}),
      uptime_s: Math.round((performance.now() - life.startedAt) / 1000),
    };
    return c.json(body, ready ? 200 : 503);
  });
  // Deep readiness for synthetic monitors: answers one known question end to end. The query carries origin
  // "probe", so it never counts as user traffic on the dashboard.
  app.get("/ready/query", async (c) => {
    const r = await agent.query({ query: PROBE_QUESTION }, { origin: "probe" });
    const ok = r.status === "success";
    return c.json({
      status: ok ? "ready" : "failing",
      query: PROBE_QUESTION,
      answered: r.status,
      cached: r.cached,
      ms: r.timing_ms.total,
      ...(r.error ? { error: r.error.code } : {}),
    }, ok && !life.draining ? 200 : 503);
  });
  return app;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** The data source answers (the database for `postgres`; always ok for the embedded files). */
async function dataProbe(agent: Agent): Promise<{ ok: boolean; error?: string }> {
  try {
    await agent.data.source.check();
    return { ok: true };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
