/** @module POST and GET /api/query (QueryResponse) and GET /api/query/stream (the same QueryEvents as SSE); all
 * three validate with the one QueryRequest schema of core. */
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { LRUCache } from "lru-cache";
import {
  type Agent,
  parseQueryRequest,
  type QueryRequest,
  queryRequestFromParams,
  type QueryResponse,
  responseToJson,
} from "../../core/mod.ts";
import { parseJsonText, readJsonText } from "../middleware/json-body/index.ts";
import { type CachePolicy, encodedAnswer, sendEncoded } from "./encoded_answers.ts";
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

/** What the query routes and the pre-routing fast path (edge/fast_path.ts) share: the answers' cache policy and
 * the requests already validated. */
export interface QueryHits {
  policy: CachePolicy;
  /** Raw query string ("G…") / body ("P…") → its validated request, for requests without a session: a repeated
   * request is not parsed or validated again (the text is the key, so equal text means an equal, valid request). */
  known: LRUCache<string, QueryRequest>;
}

export function queryHits(access?: Access): QueryHits {
  return { policy: { authenticated: !!access?.enforced }, known: new LRUCache({ max: 2_000 }) };
}

export function queryRoutes(agent: Agent, maxBody: number, access?: Access, hits = queryHits(access)) {
  const app = new Hono();
  const { policy, known } = hits;
  const version = agent.data.version;
  const requestId = (c: Context) => c.get("requestId" as never) as string | undefined;

  const answer = async (c: Context, req: QueryRequest, rawKey: string) => {
    // Parsed and valid: a repeat of this text skips both (and the fast path can recognise it as a hit).
    if (!req.session_id) known.set(rawKey, req);
    // The hit path: an answer fresh in L1 is sent as the bytes encoded beside it (session-bound questions
    // never take it: their answers depend on the conversation and are checked for ownership below).
    const hit = agent.cachedAnswer(req, { requestId: requestId(c) });
    if (hit) return sendEncoded(c, encodedAnswer(hit.shared, version), hit.response, policy);
    await assertSessionAccess(c, access, req.session_id);
    const response = await agent.query(req, { requestId: requestId(c) });
    c.header("vary", policy.authenticated ? "Accept-Encoding, Authorization" : "Accept-Encoding");
    const status = httpStatusFor(response);
    c.header(
      "cache-control",
      req.session_id
        ? "private, no-store"
        : status >= 400
        ? "no-store"
        : c.req.method === "GET"
        ? `${policy.authenticated ? "private" : "public"}, max-age=300`
        : "no-cache",
    );
    c.header("content-type", "application/json");
    return c.body(responseToJson(response), status);
  };

  app.post("/", async (c) => {
    const text = await readJsonText(c, maxBody);
    const key = "P" + text;
    return answer(c, known.get(key) ?? parseQueryRequest(parseJsonText(text)), key);
  });

  // GET /api/query?q=… : the same answer for idempotent reads (cacheable by HTTP caches and CDNs).
  app.get("/", (c) => {
    const url = c.req.url;
    const key = "G" + url.slice(url.indexOf("?") + 1);
    return answer(c, known.get(key) ?? queryRequestFromParams(new URL(url).searchParams), key);
  });

  app.get("/stream", async (c) => {
    // Validated before the stream opens: a bad request is a 400 envelope, as on every other transport.
    const req = queryRequestFromParams(new URL(c.req.url).searchParams);
    await assertSessionAccess(c, access, req.session_id);
    return streamSSE(c, async (stream) => {
      const ac = new AbortController();
      stream.onAbort(() => ac.abort(new DOMException("client went away", "AbortError")));
      const pending: Promise<void>[] = [];
      await agent.query(req, {
        requestId: requestId(c),
        signal: ac.signal,
        onEvent: (ev) =>
          pending.push(stream.writeSSE({ event: ev.type, id: ev.event_id, data: JSON.stringify(ev) })),
      });
      await Promise.all(pending);
    });
  });

  return app;
}
