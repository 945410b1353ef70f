/** @module POST and GET /api/query (QueryResponse) and GET /api/query/stream (the same QueryEvents as SSE); all
 * three validate with the one QueryRequest schema of core. */
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import {
  type Agent,
  parseQueryRequest,
  type QueryRequest,
  queryRequestFromParams,
  type QueryResponse,
  responseToJson,
} from "../../core/mod.ts";
import { readJson } from "../middleware/json-body/index.ts";
import type { Access } from "../ws/access.ts";
import { assertSessionAccess } from "./sessions.ts";

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

  const answer = async (c: Context, req: QueryRequest) => {
    await assertSessionAccess(c, access, req.session_id);
    const response = await agent.query(req, { requestId: c.get("requestId" as never) as string | undefined });
    c.header("content-type", "application/json");
    return c.body(responseToJson(response), httpStatusFor(response));
  };

  app.post("/", async (c) => answer(c, parseQueryRequest(await readJson(c, z.unknown(), maxBody))));

  // GET /api/query?q=… : the same answer for idempotent reads (cacheable by HTTP caches and CDNs).
  app.get("/", (c) => answer(c, queryRequestFromParams(new URL(c.req.url).searchParams)));

  app.get("/stream", async (c) => {
    // Validated before the stream opens: a bad request is a 400 envelope, as on every other transport.
    const req = queryRequestFromParams(new URL(c.req.url).searchParams);
    await assertSessionAccess(c, access, req.session_id);
    return streamSSE(c, async (stream) => {
      const ac = new AbortController();
      stream.onAbort(() => ac.abort(new DOMException("client went away", "AbortError")));
      const pending: Promise<void>[] = [];
      await agent.query(req, {
        requestId: c.get("requestId" as never) as string | undefined,
        signal: ac.signal,
        onEvent: (ev) =>
          pending.push(stream.writeSSE({ event: ev.type, id: ev.event_id, data: JSON.stringify(ev) })),
      });
      await Promise.all(pending);
    });
  });

  return app;
}
