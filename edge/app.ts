/** @module The Hono app factory: middleware, routes, OpenAPI. No runtime specifics (main.ts serves it). */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { routePath } from "hono/route";
import {
  type Agent,
  type AlertEngine,
  type Config,
  type Metrics,
  type MetricsStore,
  withSpan,
} from "../core/mod.ts";
import { drain } from "./middleware/drain/index.ts";
import { errorHandler, notFoundHandler } from "./middleware/errors/index.ts";
import { DOCS_HTML, openApiDocument } from "./openapi.ts";
import { cacheRoutes } from "./routes/cache.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { libraryRoutes } from "./routes/libraries.ts";
import { wsRoutes } from "./routes/ws.ts";
import { uiRoutes } from "./routes/ui.ts";
import { alertRoutes, metricsApiRoutes } from "./routes/observability.ts";
import { jwtAuth } from "./middleware/auth/index.ts";
import { bodyLimit } from "./middleware/body-limit/index.ts";
import { MemoryBuckets, rateLimit, type RateLimitOptions } from "./middleware/rate-limit/index.ts";
import { requireRole } from "./middleware/require-role/index.ts";
import { toolEtag } from "./middleware/etag/index.ts";
import { URL_LIMIT_DEFAULT, urlLimit } from "./middleware/url-limit/index.ts";
import type { Access } from "./ws/access.ts";
import type { Verifier } from "./ws/auth.ts";
import type { Hub } from "./ws/hub.ts";
import { chemistryRoutes } from "./routes/chemistry.ts";
import { compoundRoutes } from "./routes/compounds.ts";
import { healthRoutes, type Lifecycle } from "./routes/health.ts";
import { queryHits, queryRoutes } from "./routes/query.ts";
import { withFastPath } from "./fast_path.ts";
import { targetRoutes } from "./routes/targets.ts";
import type { McpHttp } from "./mcp/http.ts";

export interface AppOptions {
  agent: Agent;
  config:
    & Pick<Config, "CHEMAGENT_MAX_BODY_BYTES" | "corsOrigins">
    & Partial<Pick<Config, "CHEMAGENT_MAX_URL_BYTES" | "CHEMAGENT_MAX_LIBRARY_BYTES">>;
  lifecycle?: Lifecycle;
  metrics?: Metrics;
  /** WebSocket hub and auth; without it /ws is not served. */
  ws?: { hub: Hub; verifier?: Verifier; authRequired: boolean };
  observability?: { store: MetricsStore; alerts?: AlertEngine; showStacks: boolean };
  /** Wrap each request in an OpenTelemetry span (when a tracer provider is installed). */
  tracing?: boolean;
  /** Access log: one line per request (route pattern, status, ms, request id). */
  accessLog?: (fields: Record<string, unknown>) => void;
  auth?: { verifier?: Verifier; required: boolean };
  /** Ownership of sessions and queries, admin role (enforced when auth is required). */
  access?: Access;
  /** HTTP rate limit on /api/*; off when omitted. */
  rateLimit?: RateLimitOptions;
  onUnexpected?: (err: unknown, requestId: string | undefined) => void;
  /** The MCP server (Streamable HTTP at /mcp, protected-resource metadata under /.well-known). */
  mcp?: McpHttp;
  /** Answer /health and cache hits of /api/query before routing (edge/fast_path.ts); on by default. */
  fastPath?: boolean;
}

export const VERSION = "0.1.0";

export function createApp(
  {
    agent,
    config,
    lifecycle,
    onUnexpected,
    metrics,
    ws,
    auth,
    access,
    rateLimit: limitOptions,
    observability,
    accessLog,
    tracing,
    mcp,
    fastPath = true,
  }: AppOptions,
) {
  const app = new Hono();
  // One bucket store for the middleware and the fast path, so a client's hits and misses share one bucket.
  const limits = limitOptions && { ...limitOptions, store: limitOptions.store ?? new MemoryBuckets() };
  const life = lifecycle ?? { draining: false, startedAt: performance.now() };
  const maxBody = config.CHEMAGENT_MAX_BODY_BYTES;
  app.use("*", requestId({ headerName: "x-request-id", limitLength: 128 }));
  // First after the request id: while draining, new requests get the 503 envelope before any work is done.
  app.use("*", drain({ state: life }));
  // One post-processing middleware: echo the request id and count the request (route pattern, not the raw
  // path: bounded label cardinality). Fewer middleware layers keep the cached path fast.
  app.use("*", async (c, next) => {
    await next();
    // requestId() already put the header on responses built by c.json/c.body; setting it again on a finished
    // response makes Hono copy the whole Response, so only responses built some other way get it here.
    if (!c.res.headers.has("x-request-id")) c.header("x-request-id", c.get("requestId"));
    metrics?.httpRequest(routePath(c) || "unmatched", c.req.method, c.res.status);
  });
  app.use(
    "/api/*",
    cors({
      origin: config.corsOrigins.includes("*") ? "*" : config.corsOrigins,
      exposeHeaders: ["x-request-id", "Retry-After"],
    }),
  );
  if (tracing) {
    app.use(
      "*",
      (c, next) =>
        withSpan(`HTTP ${c.req.method}`, {
          "http.method": c.req.method,
          "http.target": c.req.path,
          "chemagent.request_id": c.get("requestId"),
        }, async (span) => {
          await next();
          const route = routePath(c);
          span.updateName(`HTTP ${c.req.method} ${route}`);
          span.setAttributes({ "http.route": route, "http.status_code": c.res.status });
        }),
    );
  }
  if (accessLog) {
    app.use("*", async (c, next) => {
      const t0 = performance.now();
      await next();
      accessLog({
        request_id: c.get("requestId"),
        method: c.req.method,
        route: routePath(c),
        status: c.res.status,
        ms: Math.round((performance.now() - t0) * 100) / 100,
      });
    });
  }
  // Bounded input before any route reads it: the URL, then the body counted as it streams in.
  app.use("*", urlLimit({ maxBytes: config.CHEMAGENT_MAX_URL_BYTES }));
  // Library uploads are files: their route counts them against CHEMAGENT_MAX_LIBRARY_BYTES as they stream in.
  const limitBody = bodyLimit({ maxBytes: maxBody });
  app.use(
    "*",
    (c, next) => (c.req.method === "POST" && c.req.path === "/api/libraries" ? next() : limitBody(c, next)),
  );
  app.onError(errorHandler({ onUnexpected }));
  app.notFound(notFoundHandler());

  // Operator endpoints need the admin role when auth is enforced (no-ops otherwise).
  const enforced = !!auth?.required;
  const admin = (methods?: string[]) => requireRole({ role: access?.adminRole, enforced, methods });
  if (auth?.verifier || auth?.required) {
    const authenticate = jwtAuth(auth);
    app.use("/api/*", authenticate);
    app.use("/metrics", authenticate);
  }
  app.use("/metrics", admin());
  for (const path of ["/api/metrics/queries", "/api/metrics/errors", "/api/metrics/slow-queries"]) {
    app.use(path, admin()); // these list users' questions
  }
  app.use("/api/metrics/report.pdf", admin());
  app.use("/api/cache", admin(["POST", "DELETE"]));
  app.use("/api/cache/*", admin(["POST", "DELETE"]));
  app.use("/api/alerts/*", admin(["POST", "DELETE"]));
  if (limits) app.use("/api/*", rateLimit(limits));

  if (metrics) app.route("/", metricsRoutes(metrics));
  app.route("/", healthRoutes(agent, life));
  if (ws) app.route("/ws", wsRoutes({ ...ws, origins: config.corsOrigins }));
  if (mcp) app.route("/", mcp.app);
  const hits = queryHits(access);
  app.route("/api/query", queryRoutes(agent, maxBody, access, hits));
  // Tool GETs carry validators (ETag from dataset version + content; 304 on If-None-Match).
  const tagged = toolEtag({ datasetVersion: agent.data.version, authenticated: !!access?.enforced });
  for (const path of ["/api/compounds/*", "/api/targets/*", "/api/depict"]) app.use(path, tagged);
  app.route("/api/compounds", compoundRoutes(agent));
  app.route("/api/targets", targetRoutes(agent));
  app.route("/api/cache", cacheRoutes(agent, maxBody));
  app.route("/api/sessions", sessionRoutes(agent, access));
  app.route(
    "/api/libraries",
    libraryRoutes({ agent, access, maxBytes: config.CHEMAGENT_MAX_LIBRARY_BYTES ?? 256 * 1024 ** 2 }),
  );
  if (observability) {
    app.route(
      "/api/metrics",
      metricsApiRoutes(observability.store, { showStacks: observability.showStacks }),
    );
    if (observability.alerts) app.route("/api/alerts", alertRoutes(observability.alerts, maxBody));
  }
  app.route("/api", chemistryRoutes(agent, maxBody));
  const doc = openApiDocument(VERSION);
  app.get("/openapi.json", (c) => c.json(doc));
  app.get("/docs", (c) => c.html(DOCS_HTML));
  app.route("/ui", uiRoutes());
  app.get("/favicon.ico", (c) => c.body(null, 204));
  app.get("/", (c) => c.redirect("/ui"));
  // Tracing wraps every request in a span: with it on, every request takes the routed path.
  if (fastPath && !tracing) {
    app.fetch = withFastPath(app.fetch, {
      agent,
      hits,
      lifecycle: life,
      metrics,
      accessLog,
      corsOrigins: config.corsOrigins,
      maxUrlBytes: config.CHEMAGENT_MAX_URL_BYTES ?? URL_LIMIT_DEFAULT,
      maxBodyBytes: maxBody,
      apiAuth: !!(auth?.verifier || auth?.required),
      rateLimit: limits,
    }) as typeof app.fetch;
  }
  return app;
}
