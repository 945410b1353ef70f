/** @module Cache analytics: per tier hits/misses/sets/evictions/errors/latency, hit ratio per kind, top keys;
 * every observation is also emitted as a CacheEvent to subscribers. */
import type { CacheEvent } from "../types.ts";

export interface TierCounters {
  hits: number;
  misses: number;
  sets: number;
  evictions: number;
  errors: number;
  latency_ms_total: number;
  latency_samples: number;
}

const counters = (): TierCounters => ({
  hits: 0,
  misses: 0,
  sets: 0,
  evictions: 0,
  errors: 0,
  latency_ms_total: 0,
  latency_samples: 0,
});

/** A listener for every cache observation (metrics exporters subscribe here, through the cache's onEvent). */
export type CacheObserver = (ev: CacheEvent) => void;

export class CacheStats {
  readonly tiers: Record<string, TierCounters> = { l1: counters(), l2: counters() };
  readonly kinds = new Map<string, { requests: number; hits: number; computes: number }>();
  readonly #top = new Map<string, { label: string; hits: number }>();
  readonly #observers: CacheObserver[] = [];
  computations = 0;
  staleServed = 0;
  lockWaits = 0;

  observe(fn: CacheObserver): void {
    this.#observers.push(fn);
  }

  record(tier: string, kind: string, outcome: "hit" | "miss" | "set" | "evict" | "error", ms?: number): void {
    const t = this.tiers[tier] ??= counters();
    if (outcome === "hit") t.hits++;
    else if (outcome === "miss") t.misses++;
    else if (outcome === "set") t.sets++;
    else if (outcome === "evict") t.evictions++;
    else t.errors++;
    if (ms !== undefined) {
      t.latency_ms_total += ms;
      t.latency_samples++;
    }
    for (const o of this.#observers) o({ type: "tier", tier, kind, outcome, ms });
  }

  request(kind: string, servedFromCache: boolean, key: string, label?: string): void {
    const k = this.kinds.get(kind) ?? { requests: 0, hits: 0, computes: 0 };
    k.requests++;
    if (servedFromCache) {
      k.hits++;
      const top = this.#top.get(key) ?? { label: label ?? key, hits: 0 };
      top.hits++;
      this.#top.set(key, top);
      if (this.#top.size > 2000) this.#trimTop();
    } else k.computes++;
    this.kinds.set(kind, k);
    for (const o of this.#observers) {
      o({ type: "request", kind, served: servedFromCache ? "cache" : "compute" });
    }
  }

  #trimTop() {
    const keep = [...this.#top.entries()].sort((a, b) => b[1].hits - a[1].hits).slice(0, 1000);
    this.#top.clear();
    for (const [k, v] of keep) this.#top.set(k, v);
  }

  snapshot<E extends object = Record<never, never>>(extra: E = {} as E) {
    const tiers = Object.fromEntries(
      Object.entries(this.tiers).map(([name, t]) => [name, {
        ...t,
        hit_ratio: t.hits + t.misses ? round(t.hits / (t.hits + t.misses)) : null,
        avg_latency_ms: t.latency_samples ? round(t.latency_ms_total / t.latency_samples, 4) : null,
      }]),
    );
    const kinds = Object.fromEntries(
      [...this.kinds.entries()].map((
        [k, v],
      ) => [k, { ...v, hit_ratio: v.requests ? round(v.hits / v.requests) : null }]),
    );
    const top_keys = [...this.#top.entries()].sort((a, b) => b[1].hits - a[1].hits).slice(0, 10).map((
      [key, v],
    ) => ({ key, label: v.label, hits: v.hits }));
    return {
      tiers,
      kinds,
      top_keys,
      computations: this.computations,
      stale_served: this.staleServed,
      lock_waits: this.lockWaits,
      ...extra,
    };
  }
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
