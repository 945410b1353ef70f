/** @module /api/metrics/* (rollups for the dashboard) and /api/alerts/* (active, history, ack, silences). */
import { type Context, Hono } from "hono";
import { z } from "zod";
import {
  type AlertEngine,
  ChemAgentError,
  metricsReportPdf,
  type MetricsStore,
  QUERY_ORIGINS,
} from "../../core/mod.ts";
import { ok } from "../envelope.ts";
import type { AuthVariables } from "../middleware/auth/index.ts";
import { readJson } from "../middleware/json-body/index.ts";
import { num, queryParams } from "../params.ts";

const HISTORY_METRICS = [
  "queries",
  "errors",
  "user_errors",
  "answered",
  "error_rate",
  "cache_hit_rate",
  "latency_avg",
  "latency_p95",
] as const;

const WINDOW_MS: Record<string, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

/** `?origin=`: whose queries a figure covers. Default `user` (warm-up and probe queries excluded); `all` for
 * every query. */
function originOf(c: Context): string {
  const o = c.req.query("origin") ?? "user";
  if (o !== "all" && !(QUERY_ORIGINS as readonly string[]).includes(o)) {
    throw new ChemAgentError("invalid_parameter", `origin must be ${QUERY_ORIGINS.join(", ")} or all`);
  }
  return o;
}

export function metricsApiRoutes(store: MetricsStore, opts: { showStacks: boolean }) {
  const app = new Hono();
  app.get("/summary", async (c) => {
    const t0 = performance.now();
    const w = c.req.query("window") ?? "24h";
    if (!WINDOW_MS[w]) throw new ChemAgentError("invalid_parameter", "window must be 1h, 24h, 7d or 30d");
    const origin = originOf(c);
    const windows: Record<string, number> = {};
    for (const k of ["24h", "7d", "30d"]) windows[k] = (await store.summary(WINDOW_MS[k], origin)).queries;
    return ok(c, { ...(await store.summary(WINDOW_MS[w], origin)), windows, fleet: store.isShared }, t0);
  });
  app.get("/history", async (c) => {
    const t0 = performance.now();
    const q = queryParams(
      c,
      z.object({
        metric: z.enum(HISTORY_METRICS, { error: `metric must be ${HISTORY_METRICS.join(", ")}` }).default(
          "queries",
        ),
        window: z.enum(["1m", "5m", "1h", "1d"], { error: "window must be 1m, 5m, 1h or 1d" }).default("5m"),
        from: z.string().optional(),
        to: z.string().optional(),
        origin: z.string().optional(),
      }),
    );
    const origin = originOf(c);
    const time = (s: string | undefined, d: number) => {
      if (!s) return d;
      const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
      if (Number.isNaN(t)) {
        throw new ChemAgentError("invalid_parameter", `"${s}" is not a time (ISO-8601 or epoch ms)`);
      }
      return t;
    };
    const to = time(q.to, Date.now());
    const from = time(q.from, to - 86_400_000);
    if (from >= to) throw new ChemAgentError("invalid_parameter", "from must be before to");
    return ok(c, {
      metric: q.metric,
      window: q.window,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      origin,
      points: await store.history(q.metric, q.window, from, to, origin),
    }, t0);
  });
  app.get("/errors", (c) => {
    const t0 = performance.now();
    const q = queryParams(c, z.object({ limit: num("limit", 1, 100, true), origin: z.string().optional() }));
    return ok(c, { errors: store.recentErrors(q.limit ?? 100, opts.showStacks, originOf(c)) }, t0);
  });
  app.get("/tools", (c) => ok(c, { tools: store.tools(originOf(c)) }, performance.now()));
  app.get("/queries", (c) => {
    const q = queryParams(c, z.object({ limit: num("limit", 1, 500, true), origin: z.string().optional() }));
    return ok(c, { queries: store.recentQueries(q.limit ?? 100, originOf(c)) }, performance.now());
  });
  app.get("/report.pdf", async (c) => {
    const w = c.req.query("window") ?? "24h";
    if (!WINDOW_MS[w]) throw new ChemAgentError("invalid_parameter", "window must be 1h, 24h, 7d or 30d");
    const pdf = await metricsReportPdf(store, WINDOW_MS[w], w);
    return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="chemagent-metrics-${w}.pdf"`,
    });
  });
  app.get("/slow-queries", (c) => {
    const t0 = performance.now();
    const q = queryParams(c, z.object({ limit: num("limit", 1, 100, true), origin: z.string().optional() }));
    return ok(c, { queries: store.slowQueries(q.limit ?? 20, 3_600_000, originOf(c)) }, t0);
  });
  return app;
}

export function alertRoutes(engine: AlertEngine, maxBody: number) {
  const app = new Hono<{ Variables: AuthVariables }>();
  const view = (a: ReturnType<AlertEngine["active"]>[number]) => ({
    ...a,
    started_at: new Date(a.started_at).toISOString(),
    ...(a.fired_at ? { fired_at: new Date(a.fired_at).toISOString() } : {}),
    ...(a.resolved_at ? { resolved_at: new Date(a.resolved_at).toISOString() } : {}),
    ...(a.acked_at ? { acked_at: new Date(a.acked_at).toISOString() } : {}),
  });
  app.get("/", (c) =>
    ok(c, {
      active: engine.active().map(view),
      history: engine.history.slice(0, 200).map(view),
      silences: engine.silences,
      rules: engine.rules.map((r) => ({
        name: r.name,
        severity: r.severity,
        window_ms: r.windowMs,
        for_ms: r.forMs,
        runbook: r.runbook,
      })),
    }, performance.now()));
  app.post("/:id/ack", (c) => {
    const a = engine.ack(
      c.req.param("id"),
      c.get("principal")?.sub ?? "operator",
    );
    if (!a) throw new ChemAgentError("not_found", `No alert ${c.req.param("id")}.`);
    return ok(c, view(a), performance.now());
  });
  app.post("/silences", async (c) => {
    const b = await readJson(
      c,
      z.object({
        rule: z.string().min(1).max(100),
        minutes: z.number().min(1).max(7 * 24 * 60),
        reason: z.string().max(500).default(""),
      }),
      maxBody,
    );
    return ok(
      c,
      { ...engine.silence(b.rule, b.minutes, b.reason, c.get("principal")?.sub ?? "operator") },
      performance.now(),
    );
  });
  app.delete("/silences/:id", (c) => {
    if (!engine.unsilence(c.req.param("id"))) {
      throw new ChemAgentError("not_found", `No silence ${c.req.param("id")}.`);
    }
    return ok(c, { deleted: true }, performance.now());
  });
  return app;
}
