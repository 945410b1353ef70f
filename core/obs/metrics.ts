/** @module Prometheus metrics (npm:prom-client) fed by QueryEvents and cache observations; bounded labels. */
import client from "prom-client";
import process from "node:process";
import { FastCounter, FastHistogram } from "./fast_metrics.ts";
import type { PoolStats } from "../chem/pool.ts";
import type { RedisStatus } from "../redis/provider.ts";
import type { ObservableCache, QueryEvent } from "../types.ts";
import { outcomeOf } from "./outcome.ts";

export class Metrics {
  readonly registry = new client.Registry();
  readonly queries: FastCounter<"intent_type" | "status" | "cache_hit" | "origin">;
  readonly queryLatency: FastHistogram<"intent_type" | "status" | "cache_hit" | "origin">;
  readonly tools: FastCounter<"tool_name" | "status">;
  readonly toolLatency: FastHistogram<"tool_name">;
  readonly activeQueries: client.Gauge;
  #active = 0;
  readonly http: FastCounter<"route" | "method" | "status">;
  readonly wsConnections: client.Gauge;
  readonly wsMessages: client.Counter<"direction">;
  readonly llmCalls: client.Counter<"provider" | "outcome">;
  readonly llmLatency: client.Histogram<"provider">;
  readonly llmTokens: client.Counter<"provider" | "direction">;

  constructor() {
    const r = [this.registry];
    // Process metrics of our own: prom-client's Node defaults include names promtool rejects
    // (gauges ending in _total), and several do not apply to Deno.
    const started = performance.now();
    let lag = 0, last = performance.now();
    const lagTimer = setInterval(() => {
      const now = performance.now();
      lag = Math.max(0, now - last - 500) / 1000;
      last = now;
    }, 500);
    Deno.unrefTimer(lagTimer);
    new client.Gauge({
      name: "chemagent_process_resident_memory_bytes",
      help: "Resident memory",
      registers: r,
      collect() {
        this.set(Deno.memoryUsage().rss);
      },
    });
    new client.Gauge({
      name: "chemagent_process_heap_used_bytes",
      help: "V8 heap in use",
      registers: r,
      collect() {
        this.set(Deno.memoryUsage().heapUsed);
      },
    });
    new client.Gauge({
      name: "chemagent_process_uptime_seconds",
      help: "Seconds since start",
      registers: r,
      collect() {
        this.set((performance.now() - started) / 1000);
      },
    });
    new client.Gauge({
      name: "chemagent_event_loop_lag_seconds",
      help: "Event loop delay over the last 500 ms tick",
      registers: r,
      collect() {
        this.set(lag);
      },
    });
    new client.Counter({
      name: "chemagent_process_cpu_seconds_total",
      help: "User + system CPU time",
      registers: r,
      collect() {
        const u = process.cpuUsage();
        const total = (u.user + u.system) / 1e6;
        const current =
          (this as unknown as { hashMap: Record<string, { value: number }> }).hashMap[""]?.value ?? 0;
        if (total > current) this.inc(total - current);
      },
    });
    this.queries = new FastCounter("chemagent_queries_total", "Queries answered", [
      "intent_type",
      "status",
      "cache_hit",
      "origin",
    ], this.registry);
    this.queryLatency = new FastHistogram(
      "chemagent_query_duration_seconds",
      "Query latency",
      ["intent_type", "status", "cache_hit", "origin"],
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      this.registry,
    );
    this.tools = new FastCounter("chemagent_tool_executions_total", "Tool executions", [
      "tool_name",
      "status",
    ], this.registry);
    this.toolLatency = new FastHistogram("chemagent_tool_duration_seconds", "Tool latency", ["tool_name"], [
      0.0005,
      0.001,
      0.005,
      0.01,
      0.05,
      0.1,
      0.5,
      1,
      5,
    ], this.registry);
    const active = () => this.#active;
    this.activeQueries = new client.Gauge({
      name: "chemagent_active_queries",
      help: "Queries in progress",
      registers: r,
      collect() {
        this.set(active());
      },
    });
    this.llmCalls = new client.Counter({
      name: "chemagent_llm_calls_total",
      help: "LLM calls by outcome",
      labelNames: ["provider", "outcome"],
      registers: r,
    });
    this.llmLatency = new client.Histogram({
      name: "chemagent_llm_duration_seconds",
      help: "LLM call latency",
      labelNames: ["provider"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: r,
    });
    this.llmTokens = new client.Counter({
      name: "chemagent_llm_tokens_total",
      help: "LLM tokens used",
      labelNames: ["provider", "direction"],
      registers: r,
    });
    this.wsConnections = new client.Gauge({
      name: "chemagent_ws_connections",
      help: "Open WebSocket connections",
      registers: r,
    });
    this.wsMessages = new client.Counter({
      name: "chemagent_ws_messages_total",
      help: "WebSocket messages",
      labelNames: ["direction"],
      registers: r,
    });
    // Every request passes here: the label-hash-free counter, like the query metrics.
    this.http = new FastCounter("chemagent_http_requests_total", "HTTP requests", [
      "route",
      "method",
      "status",
    ], this.registry);
  }

  /** The Redis provider at scrape time: up, incidents, failovers, retries, WAIT shortfalls, recovery time. */
  watchRedis(status: () => RedisStatus): void {
    const r = [this.registry];
    const mirror = counterMirror();
    const gauge = (name: string, help: string, read: (s: RedisStatus) => number) =>
      new client.Gauge({
        name,
        help,
        labelNames: ["topology"],
        registers: r,
        collect() {
          const s = status();
          this.set({ topology: s.topology }, read(s));
        },
      });
    const counter = (name: string, help: string, read: (s: RedisStatus) => number) =>
      new client.Counter({
        name,
        help,
        labelNames: ["topology"],
        registers: r,
        collect() {
          const s = status();
          mirror(this, { topology: s.topology }, read(s));
        },
      });
    gauge(
      "chemagent_redis_up",
      "1 when Redis answers (0 during an incident)",
      (s) => s.state === "ok" ? 1 : 0,
    );
    gauge("chemagent_redis_replicas", "Replicas following the primaries", (s) => s.replicas);
    gauge(
      "chemagent_redis_last_recovery_seconds",
      "Duration of the last Redis incident, first error to first success",
      (s) => (s.last_recovery_ms ?? 0) / 1000,
    );
    counter("chemagent_redis_incidents_total", "Redis incidents (connection lost)", (s) => s.incidents);
    counter(
      "chemagent_redis_failovers_total",
      "Primary changes seen (failovers, promotions)",
      (s) => s.failovers,
    );
    counter("chemagent_redis_retries_total", "Durable Redis operations retried", (s) => s.retries);
    counter(
      "chemagent_redis_wait_timeouts_total",
      "Durable writes not acknowledged by a replica within REDIS_WAIT_TIMEOUT_MS",
      (s) => s.wait_timeouts,
    );
  }

  /** Chemistry workers: busy/idle, queue, calls and replacements by reason, read from the pool at scrape time. */
  watchChemPool(pool: { stats(): PoolStats }): void {
    const r = [this.registry];
    new client.Gauge({
      name: "chemagent_chem_workers",
      help: "RDKit workers by state",
      labelNames: ["state"],
      registers: r,
      collect() {
        const s = pool.stats();
        this.set({ state: "busy" }, s.busy);
        this.set({ state: "idle" }, s.size - s.busy);
        this.set({ state: "spare_ready" }, s.spare_ready ? 1 : 0);
      },
    });
    new client.Gauge({
      name: "chemagent_chem_queue_length",
      help: "Chemistry calls waiting for a worker",
      registers: r,
      collect() {
        this.set(pool.stats().queued);
      },
    });
    // Counters mirror the pool's own totals (the pool counts; obs only reads and adds the difference).
    const mirror = counterMirror();
    new client.Counter({
      name: "chemagent_chem_worker_restarts_total",
      help:
        "RDKit workers terminated and replaced, by reason (timeout, cancelled, crashed = WASM trap or death)",
      labelNames: ["reason"],
      registers: r,
      collect() {
        const s = pool.stats();
        for (const reason of ["timeout", "cancelled", "crashed"] as const) {
          mirror(this, { reason }, s.restarts[reason]);
        }
      },
    });
    new client.Counter({
      name: "chemagent_chem_calls_total",
      help: "Chemistry calls sent to the worker pool",
      registers: r,
      collect() {
        mirror(this, {}, pool.stats().calls);
      },
    });
  }

  /** Subscribes to a cache's events (tier operations, how each read was served) and reads its size at scrape
   * time. Series handles are kept per label pair, so an event on the hit path costs two map lookups and an
   * addition; obs knows the cache only through the ObservableCache contract. */
  watchCache(cache: ObservableCache): void {
    const ops = pairs(
      new FastCounter("chemagent_cache_operations_total", "Cache operations by tier and outcome", [
        "tier",
        "outcome",
      ], this.registry),
    );
    const requests = pairs(
      new FastCounter("chemagent_cache_requests_total", "Cached reads by kind and how they were served", [
        "kind",
        "served",
      ], this.registry),
    );
    const latency = new Map<string, { ms: number; n: number }>();
    cache.onEvent((e) => {
      if (e.type === "request") return requests(e.kind, e.served).inc();
      ops(e.tier, e.outcome === "evict" ? "eviction" : e.outcome).inc();
      if (e.ms === undefined) return;
      let l = latency.get(e.tier);
      if (!l) latency.set(e.tier, l = { ms: 0, n: 0 });
      l.ms += e.ms;
      l.n++;
    });
    new client.Gauge({
      name: "chemagent_cache_latency_avg_seconds",
      help: "Average latency of cache tier lookups",
      labelNames: ["tier"],
      registers: [this.registry],
      collect() {
        for (const [tier, l] of latency) this.set({ tier }, l.ms / l.n / 1000);
      },
    });
    new client.Gauge({
      name: "chemagent_cache_l1_entries",
      help: "Entries in the L1 memory tier",
      registers: [this.registry],
      collect() {
        this.set(cache.size().l1_entries);
      },
    });
    new client.Gauge({
      name: "chemagent_cache_l1_bytes",
      help: "Approximate bytes in the L1 memory tier",
      registers: [this.registry],
      collect() {
        this.set(cache.size().l1_bytes);
      },
    });
    new client.Gauge({
      name: "chemagent_cache_l2_healthy",
      help: "1 when the L2 tier answers",
      registers: [this.registry],
      collect() {
        const s = cache.size();
        this.set(s.l2 ? Number(s.l2_healthy) : 0);
      },
    });
  }

  /** WebSocket hub observations. */
  ws(name: "connections" | "messages_in" | "messages_out" | "dropped", delta: number): void {
    if (name === "connections") this.wsConnections.inc(delta);
    else {this.wsMessages.inc({
        direction: name === "messages_in" ? "in" : name === "messages_out" ? "out" : "dropped",
      }, delta);}
  }

  /** Observer for GuardedLLM calls. */
  llmObserver() {
    return (
      e: { provider: string; outcome: string; ms: number; usage?: { input: number; output: number } },
    ) => {
      this.llmCalls.inc({ provider: e.provider, outcome: e.outcome });
      this.llmLatency.observe({ provider: e.provider }, e.ms / 1000);
      if (e.usage) {
        this.llmTokens.inc({ provider: e.provider, direction: "input" }, e.usage.input);
        this.llmTokens.inc({ provider: e.provider, direction: "output" }, e.usage.output);
      }
    };
  }

  // Series handles are cached in nested maps keyed by the label values themselves (constant strings), so the
  // hot path builds no key string: a query costs three map lookups and two additions.
  readonly #qc = new Map<
    string,
    Map<string, Map<string, { count: { inc(): void }; latency: { observe(v: number): void } }[]>>
  >();
  #queryChildren(origin: string, intent_type: string, status: string, cached: boolean) {
    let byIntent = this.#qc.get(origin);
    if (!byIntent) this.#qc.set(origin, byIntent = new Map());
    let byStatus = byIntent.get(intent_type);
    if (!byStatus) byIntent.set(intent_type, byStatus = new Map());
    let pair = byStatus.get(status);
    if (!pair) byStatus.set(status, pair = []);
    const i = cached ? 1 : 0;
    return pair[i] ??= {
      count: this.queries.series(intent_type, status, String(cached), origin),
      latency: this.queryLatency.series(intent_type, status, String(cached), origin),
    };
  }

  readonly #hc = new Map<string, Map<string, Map<number, { inc(): void }>>>();
  /** Counts an HTTP request (route pattern, method, status) through a cached series handle. */
  httpRequest(route: string, method: string, status: number): void {
    let byMethod = this.#hc.get(route);
    if (!byMethod) this.#hc.set(route, byMethod = new Map());
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, byStatus = new Map());
    let c = byStatus.get(status);
    if (!c) byStatus.set(status, c = this.http.series(route, method, String(status)));
    c.inc();
  }

  /** An event listener that turns a query's events into metrics. Durations come from the events themselves
   * (step `ms`, the response's `timing_ms.total`): no clock reads and no per-query state on the hot path. */
  listener(): (e: QueryEvent, accepted?: QueryEvent) => void {
    return (e, accepted) => {
      switch (e.type) {
        case "accepted":
          this.#active++;
          return;
        case "step_complete":
        case "step_error": {
          const tool = String(e.data.tool);
          this.tools.series(tool, e.type === "step_complete" ? "ok" : String(e.data.status ?? "error")).inc();
          if (typeof e.data.ms === "number") this.toolLatency.series(tool).observe(e.data.ms / 1000);
          return;
        }
        case "result":
        case "error":
        case "cancelled": {
          this.#active--;
          const o = outcomeOf(e, accepted);
          const c = this.#queryChildren(o.origin, o.intent ?? "unknown", o.status, !!o.cached);
          c.count.inc();
          if (o.ms !== undefined) c.latency.observe(o.ms / 1000);
        }
      }
    };
  }
}

/** A two-label counter's series by label values, each handle created once (no key string per update). */
function pairs<L extends string>(
  counter: FastCounter<L>,
): (a: string, b: string) => { inc(v?: number): void } {
  const handles = new Map<string, Map<string, { inc(v?: number): void }>>();
  return (a, b) => {
    let byB = handles.get(a);
    if (!byB) handles.set(a, byB = new Map());
    let h = byB.get(b);
    if (!h) byB.set(b, h = counter.series(a, b));
    return h;
  };
}

/**
 * Mirrors a running total kept elsewhere (the pool's, the Redis provider's) into a Prometheus counter: each call
 * adds only the growth since the last one for that counter and label set.
 */
function counterMirror() {
  const seen = new Map<string, number>();
  return (counter: client.Counter<string>, labels: Record<string, string>, total: number) => {
    const key = `${(counter as unknown as { name: string }).name}|${JSON.stringify(labels)}`;
    const delta = total - (seen.get(key) ?? 0);
    if (delta > 0) {
      counter.inc(labels, delta);
      seen.set(key, total);
    }
  };
}
