/** @module POST /api/query (QueryResponse) and GET /api/query/stream (the same QueryEvents as SSE). */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { type Agent, ChemAgentError, type QueryResponse, responseToJson } from "../../core/mod.ts";
import { readJson } from "../middleware/json-body/index.ts";
import type { Access } from "../ws/access.ts";
import { assertSessionAccess } from "./sessions.ts";

export const queryBody = z.object({
  query: z.string({ error: "query must be a string" }),
  session_id: z.string().max(100).regex(/^[\w:.-]+$/, "session_id may hold letters, digits and _ : . -")
    .optional(),
  options: z.object({
    cache: z.boolean().optional(),
    llm: z.enum(["auto", "off"]).optional(),
    limit: z.number().int().min(1).max(500).optional(),
  }).strict().optional(),
});

/** Request-level failures answer 4xx/5xx; understood questions answer 200 whatever their outcome. */
export function httpStatusFor(r: QueryResponse): ContentfulStatusCode {
  switch (r.error?.code) {
    case "empty_query":
    case "invalid_request":
    case "invalid_parameter":
      return 400;
    case "payload_too_large":
      return 413;
    case "internal":
      return 500;
    case "upstream_unavailable":
      return 503;
    default:
      return 200;
  }
}

export function queryRoutes(agent: Agent, maxBody: number, access?: Access) {
  const app = new Hono();

  app.post("/", async (c) => {
    const body = await readJson(c, queryBody, maxBody);
    await assertSessionAccess(c, access, body.session_id);
    const response = await agent.query(body, {
      requestId: c.get("requestId" as never) as string | undefined,
    });
    c.header("content-type", "application/json");
    return c.body(responseToJson(response), httpStatusFor(response));
  });

  // GET /api/query?q=… : the same answer for idempotent reads (cacheable by HTTP caches and CDNs).
  app.get("/", async (c) => {
    const q = c.req.query("q") ?? c.req.query("query");
    if (q === undefined) throw new ChemAgentError("invalid_request", "Give the question as ?q=…");
    const parsed = queryBody.safeParse({
      query: q,
      ...(c.req.query("session_id") ? { session_id: c.req.query("session_id") } : {}),
      ...(c.req.query("cache") || c.req.query("limit")
        ? {
          options: {
            ...(c.req.query("cache") ? { cache: c.req.query("cache") !== "false" } : {}),
            ...(c.req.query("limit") ? { limit: Number(c.req.query("limit")) } : {}),
          },
        }
        : {}),
    });
    if (!parsed.success) throw new ChemAgentError("invalid_parameter", parsed.error.issues[0].message);
    await assertSessionAccess(c, access, parsed.data.session_id);
    const response = await agent.query(parsed.data, {
      requestId: c.get("requestId" as never) as string | undefined,
    });
    c.header("content-type", "application/json");
    return c.body(responseToJson(response), httpStatusFor(response));
  });

  app.get("/stream", async (c) => {
    const q = c.req.query("q") ?? c.req.query("query");
    if (q === undefined) throw new ChemAgentError("invalid_request", "Give the question as ?q=…");
    const session = c.req.query("session_id");
    await assertSessionAccess(c, access, session);
    return streamSSE(c, async (stream) => {
      const ac = new AbortController();
      stream.onAbort(() => ac.abort(new DOMException("client went away", "AbortError")));
      const pending: Promise<void>[] = [];
      await agent.query({ query: q, ...(session ? { session_id: session } : {}) }, {
        signal: ac.signal,
        onEvent: (ev) =>
          pending.push(stream.writeSSE({ event: ev.type, id: ev.event_id, data: JSON.stringify(ev) })),
      });
      await Promise.all(pending);
    });
  });

  return app;
}
