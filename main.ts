/**
 * @module Composition root: validate config, build drivers and the agent, serve HTTP (+ UI) with Deno.serve.
 * The only place where runtime, config and drivers meet.
 */
import { Agent, ConfigError, createChemPool, embeddedSource, loadConfig } from "./core/mod.ts";
import { createRefinerFromConfig } from "./core/llm/factory.ts";
import { createLogger } from "./core/obs/log.ts";
import { Metrics } from "./core/obs/metrics.ts";
import { enableSpans, setupTracing } from "./core/obs/tracing.ts";
import { MetricsStore } from "./core/obs/metrics_store.ts";
import { RedisRollups } from "./core/obs/shared_rollups.ts";
import { queryLogger } from "./core/obs/query_log.ts";
import { AlertEngine } from "./core/obs/alerts/engine.ts";
import {
  type AlertChannel,
  EmailChannel,
  PagerDutyChannel,
  SlackChannel,
  WebhookChannel,
} from "./core/obs/alerts/channels.ts";
import { createCacheStack } from "./core/cache/factory.ts";
import { commonQueries, warmCache } from "./core/cache/warm.ts";
import { createSessionStore } from "./core/memory/factory.ts";
import { createApp } from "./edge/app.ts";
import type { Lifecycle } from "./edge/routes/health.ts";
import { createVerifier } from "./edge/ws/auth.ts";
import { Access, QueryOwners } from "./edge/ws/access.ts";
import { rateLimitFromConfig } from "./edge/middleware/rate-limit/from_config.ts";
import { MemoryEventLog, RedisEventLog } from "./edge/ws/event_log.ts";
import { Hub } from "./edge/ws/hub.ts";
import { LocalRoomBus, RedisRoomBus } from "./edge/ws/room_bus.ts";
import { createRedisClient } from "./core/cache/mod.ts";

const startedAt = performance.now();
let config;
try {
  config = loadConfig(Deno.env.toObject());
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    Deno.exit(2);
  }
  throw e;
}
const log = createLogger(config.LOG_LEVEL, { service: "chemagent" });
if (config.CHEMAGENT_DATA === "chembl") {
  log.error("CHEMAGENT_DATA=chembl (live ChEMBL REST) is not available in this build; use embedded");
  Deno.exit(2);
}

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
/** A state file the server cannot open stops start-up with one line naming its variable, not a stack trace. */
async function openState<T>(variable: string, path: string, open: () => T | Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    log.error(`cannot open ${variable}=${path}: ${(e as Error).message} (its directory must be writable)`);
    Deno.exit(2);
  }
}

// Deno's built-in OpenTelemetry serves the API's global tracer: spans on without the npm SDK.
if (Deno.env.get("OTEL_DENO") === "true") enableSpans();
const metrics = new Metrics();
const metricsStore = await openState("METRICS_DB_PATH", config.METRICS_DB_PATH, async () => {
  if (config.METRICS_DB_PATH !== ":memory:") {
    await Deno.mkdir(config.METRICS_DB_PATH.replace(/\/[^/]*$/, ""), { recursive: true }).catch(() => {});
  }
  return new MetricsStore(config.METRICS_DB_PATH);
});
if (config.REDIS_URL) {
  // Fleet-wide rollups: the metrics API and alert rules see every instance.
  const rollupClient = createRedisClient({ url: config.REDIS_URL, offlineQueue: true });
  rollupClient.on("error", () => {});
  metricsStore.shared = new RedisRollups(rollupClient);
}
const channels: AlertChannel[] = [
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
const alerts = new AlertEngine(metricsStore, channels, undefined, {
  onError: (e, channel) => log.warn("alert delivery failed", { channel, error: String(e) }),
});
const evalTimer = setInterval(
  () => alerts.evaluate().catch((e) => log.warn("alert evaluation failed", { error: String(e) })),
  config.ALERT_EVAL_INTERVAL_S * 1000,
);
Deno.unrefTimer(evalTimer);
const flushTimer = setInterval(() => {
  try {
    metricsStore.flush();
  } catch (e) {
    log.warn("metrics flush failed; retrying at the next flush", { error: String(e) });
  }
}, 10_000);
Deno.unrefTimer(flushTimer);
const stack = config.CACHE_ENABLED
  ? await createCacheStack(config, (level, msg, fields) => log[level](msg, fields))
  : undefined;
if (stack && !config.features.has("no-metrics")) metrics.watchCache(stack.cache);
const memory = config.MEMORY_ENABLED
  ? await openState(
    config.REDIS_URL ? "REDIS_URL" : "MEMORY_SQLITE_PATH",
    config.REDIS_URL ? "(redis)" : config.MEMORY_SQLITE_PATH,
    () => createSessionStore(config),
  )
  : undefined;
const [data, chem] = await Promise.all([
  embeddedSource().load(),
  createChemPool({ size: config.CHEMAGENT_CHEM_WORKERS, timeoutMs: config.CHEMAGENT_CHEM_TIMEOUT_MS }),
]);
if (instrumented) metrics.watchChemPool(chem);
const llm = await createRefinerFromConfig(config, data, chem, metrics.llmObserver());
const agent = new Agent(data, chem, {
  stepTimeoutMs: config.CHEMAGENT_STEP_TIMEOUT_MS,
  maxQueryLength: config.CHEMAGENT_MAX_QUERY_LENGTH,
  cache: stack?.cache,
  frequency: stack?.frequency,
  // CHEMAGENT_FEATURES=no-metrics turns instrumentation off (used by bench/observability.ts to measure its cost).
  observers: instrumented
    ? [
      ...(config.features.has("no-prom") ? [] : [metrics.listener()]),
      ...(config.features.has("no-rollups") ? [] : [metricsStore.listener()]),
      ...(config.features.has("no-query-log") ? [] : [queryLogger(log)]),
    ]
    : [],
  memory,
  contextWindow: config.MEMORY_CONTEXT_WINDOW,
  ...(llm ? { refiner: llm.refiner } : {}),
});
// Expired sessions are purged hourly (Redis expires them by itself).
const purge = setInterval(() => memory?.purgeExpired().catch(() => {}), 3_600_000);
Deno.unrefTimer(purge);
const lifecycle: Lifecycle = { draining: false, startedAt };
const verifier = createVerifier({
  required: config.AUTH_REQUIRED,
  secret: config.JWT_SECRET,
  jwksUrl: config.JWT_JWKS_URL,
  issuer: config.JWT_ISSUER,
  audience: config.JWT_AUDIENCE,
  rolesClaim: config.JWT_ROLES_CLAIM,
});
const wsRedis = config.REDIS_URL
  ? createRedisClient({ url: config.REDIS_URL, offlineQueue: true })
  : undefined;
wsRedis?.on("error", () => {});
const wsSub = config.REDIS_URL ? createRedisClient({ url: config.REDIS_URL, offlineQueue: true }) : undefined;
wsSub?.on("error", () => {});
const access = new Access({
  enforced: config.AUTH_REQUIRED,
  sessions: memory,
  queries: new QueryOwners(wsRedis),
});
const hub = new Hub({
  access,
  agent,
  log: wsRedis ? new RedisEventLog(wsRedis) : new MemoryEventLog(),
  bus: wsRedis && wsSub ? new RedisRoomBus(wsRedis, wsSub) : new LocalRoomBus(),
  verifier,
  authRequired: config.AUTH_REQUIRED,
  onMetric: (name, delta) => metrics.ws(name, delta),
});
agent.observers.push(hub.observer());
const app = createApp({
  agent,
  config,
  lifecycle,
  ...(instrumented ? { metrics } : {}),
  ws: { hub, verifier, authRequired: config.AUTH_REQUIRED },
  auth: { verifier, required: config.AUTH_REQUIRED },
  access,
  rateLimit: rateLimitFromConfig(config, (msg, fields) => log.warn(msg, fields)),
  observability: {
    store: metricsStore,
    alerts,
    // Stack traces are for operators: shown in dev, or when every caller is authenticated.
    showStacks: config.CHEMAGENT_ENV === "dev" || config.AUTH_REQUIRED,
  },
  tracing: !!tracing,
  ...(instrumented && log.enabled("info")
    ? {
      accessLog: (
        f: Record<string, unknown>,
      ) => (f.route === "/health" || f.route === "/metrics" ? log.debug("http", f) : log.info("http", f)),
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

const server = Deno.serve({
  port: config.CHEMAGENT_PORT,
  hostname: config.CHEMAGENT_HOST,
  onListen: ({ hostname, port }) => {
    log.info("listening", {
      url: `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`,
      dataset: agent.data.version,
      compounds: agent.data.compounds.length,
      cache: stack?.describe ?? "disabled",
      memory: memory?.name ?? "disabled",
      llm: llm ? `${llm.llm.provider.name}/${llm.llm.provider.model}` : "none (rules only)",
      ready_ms: Math.round(performance.now() - startedAt),
    });
  },
}, app.fetch);

// Slow optional indices (substructure library, "did you mean") build after we are serving, then the cache warms
// from common and recently frequent questions — in the background, never delaying readiness.
agent.warm().then(async () => {
  lifecycle.indicesReady = true;
  log.info("indices ready", { ms: Math.round(performance.now() - startedAt) });
  if (!stack || !config.CACHE_WARM) return;
  const queries = [...await commonQueries(), ...(await stack.frequency?.top(100).catch(() => []) ?? [])];
  const report = await warmCache(agent, queries, {
    onProgress: (done, total) => done % 50 === 0 && log.info("cache warming", { done, total }),
  });
  lifecycle.warmed = true;
  log.info("cache warmed", { ...report });
});

const shutdown = async (signal: string) => {
  if (lifecycle.draining) return;
  lifecycle.draining = true;
  log.info("draining", { signal, running_queries: hub.runningQueries, connections: hub.connections.size });
  await hub.drain(10_000);
  // Proxies keep idle keep-alive connections open; do not wait on them for long.
  await Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, 3000))]);
  await stack?.cache.close();
  metricsStore.close();
  await tracing?.shutdown();
  Deno.exit(0);
};
for (const sig of ["SIGTERM", "SIGINT"] as const) Deno.addSignalListener(sig, () => void shutdown(sig));
