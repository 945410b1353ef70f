/**
 * @module The one composition function: config → drivers → agent → transports. main.ts, the Deno Deploy entry
 * and the CLI all build through here, so every way of running has the same features (cache, session memory and
 * its context window, LLM, observers, WebSocket hub, drain). `buildAgent` is the agent half (what the CLI needs);
 * `buildServer` adds observability and the transports on top of it.
 */
import {
  Agent,
  type AlertChannel,
  AlertEngine,
  type CacheStack,
  commonQueries,
  type Config,
  ConfigError,
  createCacheStack,
  createChemPool,
  createLogger,
  createRedisProvider,
  createRefinerFromConfig,
  createSessionStore,
  EmailChannel,
  embeddedSource,
  enableSpans,
  type EventListener,
  LibraryStore,
  type Logger,
  Metrics,
  MetricsStore,
  PagerDutyChannel,
  PostgresLibraryDriver,
  postgresSource,
  queryLogger,
  RedisProvider,
  RedisRollups,
  type SessionStore,
  setupTracing,
  SlackChannel,
  warmCache,
  WebhookChannel,
} from "../core/mod.ts";
import { createApp } from "./app.ts";
import type { Lifecycle } from "./routes/health.ts";
import { requestsSettled } from "./middleware/drain/index.ts";
import { createVerifier } from "./ws/auth.ts";
import { Access, QueryOwners } from "./ws/access.ts";
import { rateLimitFromConfig } from "./middleware/rate-limit/from_config.ts";
import { rateLimit } from "./middleware/rate-limit/index.ts";
import { MemoryEventLog, RedisEventLog } from "./ws/event_log.ts";
import { Hub } from "./ws/hub.ts";
import { type McpHttp, mcpHttp } from "./mcp/http.ts";
import { LocalRoomBus, RedisRoomBus } from "./ws/room_bus.ts";

type Refiner = Awaited<ReturnType<typeof createRefinerFromConfig>>;

export interface AgentParts {
  agent: Agent;
  stack?: CacheStack;
  memory?: SessionStore;
  /** The one Redis provider every Redis-backed feature uses (undefined without REDIS_URL/SENTINELS/CLUSTER). */
  redis?: RedisProvider;
  llm?: Refiner;
  /** Closes what the parts opened (cache connections, session store). */
  close(): Promise<void>;
}

export interface BuildOverrides {
  /** Structured log (default: JSON lines at LOG_LEVEL). */
  log?: Logger;
  /** Listeners added to the agent's observers. */
  observers?: EventListener[];
  /** Counts LLM calls (the server passes its metrics). */
  onLlmCall?: Parameters<typeof createRefinerFromConfig>[3];
}

/** A state file the process cannot open stops start-up with one line naming its variable. */
async function openState<T>(variable: string, path: string, open: () => T | Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    throw new ConfigError(
      `cannot open ${variable}=${path}: ${(e as Error).message} (its directory must be writable)`,
    );
  }
}

/** How often an instance looks for libraries other instances stored in PostgreSQL. */
const LIBRARY_REFRESH_MS = 10_000;

/** The agent with every driver the configuration asks for: cache tiers, session memory, LLM refiner. */
export async function buildAgent(config: Config, o: BuildOverrides = {}): Promise<AgentParts> {
  if (config.CHEMAGENT_DATA === "chembl") {
    throw new ConfigError(
      "CHEMAGENT_DATA=chembl (live ChEMBL REST) is not available in this build; use embedded",
    );
  }
  const log = o.log ?? createLogger(config.LOG_LEVEL, { service: "chemagent" });
  const logAt = (level: "warn" | "info", msg: string, fields?: Record<string, unknown>) =>
    log[level](msg, fields);
  const redis = createRedisProvider(config, logAt);
  // Not awaited: start-up does not wait for Redis (the cache waits for its own connection, briefly).
  void redis?.ready(5000).then((ok) =>
    ok || log.warn("redis: not reachable at start; retrying", { topology: redis.topology })
  );
  const stack = config.CACHE_ENABLED ? await createCacheStack(config, logAt, redis) : undefined;
  const memory = config.MEMORY_ENABLED
    ? await openState(
      redis ? "REDIS_URL" : "MEMORY_SQLITE_PATH",
      redis ? "(redis)" : config.MEMORY_SQLITE_PATH,
      () => createSessionStore(config, redis),
    )
    : undefined;
  const source = config.CHEMAGENT_DATA === "postgres"
    ? postgresSource({ url: config.DATABASE_URL!, max: config.DATABASE_POOL_MAX })
    : embeddedSource();
  const [data, chem] = await Promise.all([
    source.load(),
    createChemPool({ size: config.CHEMAGENT_CHEM_WORKERS, timeoutMs: config.CHEMAGENT_CHEM_TIMEOUT_MS }),
  ]);
  const llm = await createRefinerFromConfig(config, data, chem, o.onLlmCall);
  // With the PostgreSQL source, libraries live in its database too (every instance sees the same ones).
  const pgLibraries = config.CHEMAGENT_DATA === "postgres";
  const libraries = await openState(
    pgLibraries ? "DATABASE_URL" : "CHEMAGENT_LIBRARY_DIR",
    pgLibraries ? "(postgres)" : config.CHEMAGENT_LIBRARY_DIR,
    async () => {
      const store = new LibraryStore(
        pgLibraries
          ? new PostgresLibraryDriver({ url: config.DATABASE_URL!, max: 2 })
          : config.CHEMAGENT_LIBRARY_DIR === ":memory:"
          ? null
          : config.CHEMAGENT_LIBRARY_DIR,
      );
      const { skipped } = await store.load();
      for (const s of skipped) log.warn("library not loaded", { file: s });
      return store;
    },
  );
  // Libraries another instance uploads to (or deletes from) the shared database appear here within seconds.
  let refreshing = false;
  const refresh = pgLibraries
    ? setInterval(() => {
      if (refreshing) return;
      refreshing = true;
      libraries.refresh()
        .then(({ skipped }) => skipped.forEach((s) => log.warn("library not loaded", { library: s })))
        .catch((e) => log.warn("libraries: refresh failed", { error: (e as Error).message }))
        .finally(() => refreshing = false);
    }, LIBRARY_REFRESH_MS)
    : undefined;
  if (refresh !== undefined) Deno.unrefTimer(refresh);
  const options = {
    stepTimeoutMs: config.CHEMAGENT_STEP_TIMEOUT_MS,
    maxQueryLength: config.CHEMAGENT_MAX_QUERY_LENGTH,
    cache: stack?.cache,
    frequency: stack?.frequency,
    observers: [...(o.observers ?? [])],
    memory,
    contextWindow: config.MEMORY_CONTEXT_WINDOW,
    libraries,
    privateLibraries: config.AUTH_REQUIRED,
    ...(llm ? { refiner: llm.refiner } : {}),
  };
  const agent = new Agent(data, chem, options);
  return {
    agent,
    stack,
    memory,
    redis,
    llm,
    async close() {
      await stack?.cache.close();
      await memory?.close().catch(() => {});
      await data.source.close().catch(() => {});
      clearInterval(refresh);
      await libraries.close().catch(() => {});
      await redis?.close();
      chem.close(); // idle workers would keep the process alive
    },
  };
}

export interface ChemAgentServer extends AgentParts {
  config: Config;
  log: Logger;
  hub: Hub;
  /** The MCP server's HTTP side (sessions at /mcp). */
  mcp: McpHttp;
  lifecycle: Lifecycle;
  fetch: (req: Request, info?: Deno.ServeHandlerInfo) => Response | Promise<Response>;
  /** Fields for the "listening" log line. */
  describe(): Record<string, unknown>;
  /** Builds the slow optional indices, then warms the cache (in the background, never delaying readiness). */
  background(): Promise<void>;
  /**
   * Lossless shutdown: readiness turns 503 and new HTTP requests get the 503 envelope with Retry-After; WebSocket
   * clients get the drain notice and close code 1012 once their running queries finish; requests in flight
   * are answered; then `server` (when given) stops listening and every driver is closed.
   */
  shutdown(server?: Deno.HttpServer, timeoutMs?: number): Promise<void>;
}

/** Everything a server process runs: agent, observability, alerts, WebSocket hub and the Hono app. */
export async function buildServer(config: Config, o: BuildOverrides = {}): Promise<ChemAgentServer> {
  const startedAt = performance.now();
  const log = o.log ?? createLogger(config.LOG_LEVEL, { service: "chemagent" });
  const otlp = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (config.OTEL_EXPORTER_OTLP_ENDPOINT
      ? `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, "")}/v1/traces`
      : undefined);
  const instrumented = !config.features.has("no-metrics");
  const tracing = otlp && !config.features.has("no-npm-tracing")
    ? await setupTracing({
      endpoint: otlp,
      sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
      serviceName: config.OTEL_SERVICE_NAME,
    })
    : undefined;
  // Deno's built-in OpenTelemetry serves the API's global tracer: spans on without the npm SDK.
  if (Deno.env.get("OTEL_DENO") === "true") enableSpans();
  const metrics = new Metrics();
  const metricsStore = await openState("METRICS_DB_PATH", config.METRICS_DB_PATH, async () => {
    if (config.METRICS_DB_PATH !== ":memory:") {
      await Deno.mkdir(config.METRICS_DB_PATH.replace(/\/[^/]*$/, ""), { recursive: true }).catch(() => {});
    }
    return new MetricsStore(config.METRICS_DB_PATH);
  });
  const alerts = new AlertEngine(metricsStore, alertChannels(config), undefined, {
    onError: (e, channel) => log.warn("alert delivery failed", { channel, error: String(e) }),
  });
  const timers = [
    setInterval(
      () => alerts.evaluate().catch((e) => log.warn("alert evaluation failed", { error: String(e) })),
      config.ALERT_EVAL_INTERVAL_S * 1000,
    ),
    setInterval(() => {
      try {
        metricsStore.flush();
      } catch (e) {
        log.warn("metrics flush failed; retrying at the next flush", { error: String(e) });
      }
    }, 10_000),
  ];
  // CHEMAGENT_FEATURES=no-metrics turns instrumentation off (used by bench/observability.ts to measure its cost).
  const observers: EventListener[] = instrumented
    ? [
      ...(config.features.has("no-prom") ? [] : [metrics.listener()]),
      ...(config.features.has("no-rollups") ? [] : [metricsStore.listener()]),
      ...(config.features.has("no-query-log") ? [] : [queryLogger(log)]),
    ]
    : [];
  const parts = await buildAgent(config, {
    ...o,
    log,
    observers: [...observers, ...(o.observers ?? [])],
    onLlmCall: o.onLlmCall ?? metrics.llmObserver(),
  });
  const { agent, stack, memory, llm, redis } = parts;
  // Fleet-wide rollups: the metrics API and alert rules see every instance.
  if (redis) metricsStore.shared = new RedisRollups(redis.durable());
  if (redis && instrumented) metrics.watchRedis(() => redis.status());
  if (stack && instrumented) metrics.watchCache(stack.cache);
  if (instrumented) metrics.watchChemPool(agent.chem);
  // Expired sessions are purged hourly (Redis expires them by itself).
  timers.push(setInterval(() => memory?.purgeExpired().catch(() => {}), 3_600_000));
  for (const t of timers) Deno.unrefTimer(t);

  const lifecycle: Lifecycle = {
    draining: false,
    startedAt,
    ...(redis ? { redis: () => redis.status() } : {}),
  };
  const verifier = createVerifier({
    required: config.AUTH_REQUIRED,
    secret: config.JWT_SECRET,
    jwksUrl: config.JWT_JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    rolesClaim: config.JWT_ROLES_CLAIM,
  });
  const wsRedis = redis?.durable();
  const wsSub = redis?.subscriber();
  const access = new Access({
    enforced: config.AUTH_REQUIRED,
    sessions: memory,
    queries: new QueryOwners(wsRedis),
  });
  const hub = new Hub({
    access,
    agent,
    log: redis ? new RedisEventLog(redis) : new MemoryEventLog(),
    bus: wsRedis && wsSub ? new RedisRoomBus(wsRedis, wsSub) : new LocalRoomBus(),
    verifier,
    authRequired: config.AUTH_REQUIRED,
    onMetric: (name, delta) => metrics.ws(name, delta),
  });
  agent.observers.push(hub.observer());
  const limits = rateLimitFromConfig(config, (msg, fields) => log.warn(msg, fields), redis);
  const mcp = mcpHttp({
    agent,
    access,
    // MCP requests count against the same per-user buckets as the HTTP API.
    ...(limits ? { limiter: rateLimit(limits) } : {}),
    verifier,
    authRequired: config.AUTH_REQUIRED,
    maxBodyBytes: config.CHEMAGENT_MAX_BODY_BYTES,
    stateless: config.MCP_STATELESS,
    // With Redis, MCP sessions and their resumable streams are shared by every replica (no affinity needed).
    // Its own client without an offline queue: while Redis is away MCP falls back to this process at once.
    ...(redis ? { redis: redis.client({ queue: false, timeoutMs: 500 }) } : {}),
    allowedOrigins: config.MCP_ALLOWED_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean),
    authorizationServers: config.MCP_AUTHORIZATION_SERVERS.split(",").map((s) => s.trim()).filter(Boolean),
    onUnexpected: (err) => log.error("unexpected MCP error", { error: err }),
  });
  const app = createApp({
    mcp,
    agent,
    config,
    lifecycle,
    ...(instrumented ? { metrics } : {}),
    ws: { hub, verifier, authRequired: config.AUTH_REQUIRED },
    auth: { verifier, required: config.AUTH_REQUIRED },
    access,
    rateLimit: limits,
    observability: {
      store: metricsStore,
      alerts,
      // Stack traces are for operators: shown in dev, or when every caller is authenticated.
      showStacks: config.CHEMAGENT_ENV === "dev" || config.AUTH_REQUIRED,
    },
    tracing: !!tracing,
    ...(instrumented && log.enabled("info")
      ? {
        accessLog: (f: Record<string, unknown>) =>
          f.route === "/health" || f.route === "/metrics" ? log.debug("http", f) : log.info("http", f),
      }
      : {}),
    onUnexpected: (err, requestId) => {
      log.error("unexpected error", { request_id: requestId, error: err });
      metricsStore.recordError({
        ts: Date.now(),
        query_id: "",
        intent: "http",
        status: "error",
        cached: false,
        ms: 0,
        error_code: "internal",
        error_message: String((err as Error)?.message ?? err),
        stack: (err as Error)?.stack,
        ...(requestId ? { request_id: requestId } : {}),
      });
    },
  });

  return {
    ...parts,
    config,
    log,
    hub,
    mcp,
    lifecycle,
    fetch: app.fetch,
    describe: () => ({
      dataset: agent.data.version,
      compounds: agent.data.compounds.length,
      cache: stack?.describe ?? "disabled",
      memory: memory?.name ?? "disabled",
      llm: llm ? `${llm.llm.provider.name}/${llm.llm.provider.model}` : "none (rules only)",
      ready_ms: Math.round(performance.now() - startedAt),
    }),
    async background() {
      await agent.warm();
      lifecycle.indicesReady = true;
      log.info("indices ready", { ms: Math.round(performance.now() - startedAt) });
      if (!stack || !config.CACHE_WARM) return;
      const queries = [...await commonQueries(), ...(await stack.frequency?.top(100).catch(() => []) ?? [])];
      const report = await warmCache(agent, queries, {
        onProgress: (done, total) => done % 50 === 0 && log.info("cache warming", { done, total }),
      });
      lifecycle.warmed = true;
      log.info("cache warmed", { ...report });
    },
    async shutdown(server, timeoutMs = 10_000) {
      if (lifecycle.draining) return;
      lifecycle.draining = true;
      const t0 = performance.now();
      const left = () => Math.max(0, timeoutMs - (performance.now() - t0));
      log.info("draining", {
        running_queries: hub.runningQueries,
        connections: hub.connections.size,
        http_in_flight: lifecycle.inFlight ?? 0,
      });
      // The listener stays open while draining: a request on its way gets the 503 envelope (and Connection:
      // close) rather than a reset. It closes once requests in flight are answered and clients stopped sending —
      // for at most a second more: behind a load balancer that keeps routing here, new requests never stop.
      const [, settled] = await Promise.all([
        hub.drain(left()),
        requestsSettled(lifecycle, left()).then(() =>
          requestsSettled(lifecycle, Math.min(1000, left()), 250)
        ),
        // MCP tool calls answer on their SSE streams; then the sessions close, ending those streams.
        mcp.drain(left()).then(() => mcp.close()),
      ]);
      const drainedMs = Math.round(performance.now() - t0);
      if (server) {
        await Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, Math.max(1000, left())))]);
      }
      // Linger a moment before the process exits: a client slow to read must get our close frames and last
      // responses before the kernel would answer its late packets with a reset (which discards unread data).
      await new Promise((r) => setTimeout(r, 200));
      for (const t of timers) clearInterval(t);
      try {
        metricsStore.close();
      } catch { /* already closed */ }
      await parts.close();
      await tracing?.shutdown();
      log.info("drained", {
        settled,
        ws_open: hub.connections.size,
        drain_ms: drainedMs,
        total_ms: Math.round(performance.now() - t0),
        http_in_flight: lifecycle.inFlight ?? 0,
      });
    },
  };
}

function alertChannels(config: Config): AlertChannel[] {
  return [
    ...(config.ALERT_WEBHOOK_URL
      ? [new WebhookChannel(config.ALERT_WEBHOOK_URL, config.ALERT_WEBHOOK_SECRET)]
      : []),
    ...(config.ALERT_SLACK_WEBHOOK_URL ? [new SlackChannel(config.ALERT_SLACK_WEBHOOK_URL)] : []),
    ...(config.ALERT_PAGERDUTY_ROUTING_KEY
      ? [new PagerDutyChannel(config.ALERT_PAGERDUTY_ROUTING_KEY, config.ALERT_PAGERDUTY_URL)]
      : []),
    ...(config.ALERT_SMTP_HOST && config.ALERT_EMAIL_TO
      ? [
        new EmailChannel(
          {
            host: config.ALERT_SMTP_HOST,
            port: config.ALERT_SMTP_PORT,
            user: config.ALERT_SMTP_USER,
            pass: config.ALERT_SMTP_PASS,
          },
          config.ALERT_EMAIL_FROM,
          config.ALERT_EMAIL_TO.split(","),
        ),
      ]
      : []),
  ];
}
