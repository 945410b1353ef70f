/**
 * @module The pre-routing fast path: `GET /health` and cache hits of `GET`/`POST /api/query` answered before Hono
 * with exactly what the routed path would send and record — the same headers (x-request-id, CORS, ETag,
 * Cache-Control, Vary, x-query-id), the same query events (metrics, rollups, query log), the same HTTP counter
 * and access-log line, the same drain bookkeeping — without the middleware chain, the context object and the
 * Headers copies. Anything it cannot prove is a plain hit (draining, auth or tracing configured, a rate limit
 * that applies to the client, a URL or body near a limit, a cold or session-bound request, any other route)
 * goes to Hono untouched; tests/integration/hit_path_test.ts compares both paths' observable output.
 */
import type { Agent, Metrics, QueryResponse } from "../core/mod.ts";
import type { DrainState } from "./middleware/drain/index.ts";
import {
  type EncodedAnswer,
  encodedAnswer,
  etagMatches,
  hitResponse,
  negotiate,
} from "./routes/encoded_answers.ts";
import type { QueryHits } from "./routes/query.ts";
import { bucketKey, type BucketStore } from "./middleware/rate-limit/index.ts";

type Fetch = (req: Request, info?: Deno.ServeHandlerInfo) => Response | Promise<Response>;

export interface FastPathOptions {
  agent: Agent;
  hits: QueryHits;
  lifecycle: DrainState;
  metrics?: Metrics;
  accessLog?: (fields: Record<string, unknown>) => void;
  corsOrigins: string[];
  maxUrlBytes: number;
  maxBodyBytes: number;
  /** /api/* requests are authenticated (a verifier or AUTH_REQUIRED): /api hits take the routed path. */
  apiAuth: boolean;
  /** The HTTP rate limit on /api/*, when on: a hit is counted here in the same bucket the middleware uses
   * (stores that answer synchronously); otherwise only the clients it exempts (loopback) take the fast path. */
  rateLimit?: {
    limitLoopback?: boolean;
    trustProxy?: boolean;
    rate?: number;
    burst?: number;
    store?: Pick<BucketStore, "take" | "refund">;
  };
}

const REQUEST_ID = /[^\w\-=]/;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;
// A string body: Deno keeps it as is (a Uint8Array body is copied per Response).
const HEALTH_BODY = JSON.stringify({ status: "ok" });
const EXPOSE = "x-request-id,Retry-After";

const UTF8 = new TextDecoder();
const JSON_INIT = { headers: { "content-type": "application/json" } };

/** Requests the fast path answered itself (tests and the bench check that it is really taken). */
export const fastPathServed = { health: 0, get: 0, post: 0 };

/** Wraps the app's fetch: fast-path hits, everything else to `full` (the Hono app) as it came. */
export function withFastPath(full: Fetch, o: FastPathOptions): Fetch {
  const { agent, hits, lifecycle, metrics, accessLog, maxUrlBytes, maxBodyBytes } = o;
  const version = agent.data.version;
  const anyOrigin = o.corsOrigins.includes("*");
  const limit = o.rateLimit;

  /** The id requestId() would use: the client's when it is short and plain, else a fresh UUID. */
  const requestIdOf = (req: Request) => {
    const id = req.headers.get("x-request-id");
    return !id || id.length > 128 || REQUEST_ID.test(id) ? crypto.randomUUID() : id;
  };

  /** The rate-limit bucket this client's hits are counted in: "" when the limiter lets it through uncounted
   * (off, or a loopback client), undefined when the fast path cannot count it (the middleware must). */
  const countable = !!limit?.store?.refund && limit.rate !== undefined && limit.burst !== undefined;
  const bucketOf = (req: Request, info: Deno.ServeHandlerInfo | undefined): string | undefined => {
    if (!limit) return "";
    // No `sub`: with authentication on /api the routed path runs, so the middleware's key is the address.
    const key = bucketKey(req, info as { remoteAddr?: { hostname?: string } } | undefined, limit);
    return key === "" || countable ? key : undefined;
  };

  /** The access log's start time; not read without an access log (performance.now() is an op call). */
  const clock = accessLog ? () => performance.now() : () => 0;

  /** After the answer: the HTTP counter and the access-log line, as the routed path's middleware writes them. */
  const record = (route: string, method: string, status: number, id: string, t0: number) => {
    if (accessLog) {
      accessLog({
        request_id: id,
        method,
        route,
        status,
        ms: Math.round((performance.now() - t0) * 100) / 100,
      });
    }
    metrics?.httpRequest(route, method, status);
  };

  const health = (id: string, t0: number) => {
    const res = new Response(HEALTH_BODY, JSON_INIT);
    // Set after construction: Deno prepares an init naming two or more headers for a native send when the
    // Response is built (~3.5 µs, a finalizer per response); for two headers this measured faster under load.
    res.headers.set("x-request-id", id);
    record("/health", "GET", 200, id, t0);
    fastPathServed.health++;
    return res;
  };

  /** The headers cors() adds on /api/* that do not depend on the request (all but a listed origin's echo). */
  const corsFixed = (h: Record<string, string>) => {
    if (anyOrigin) h["access-control-allow-origin"] = "*";
    else h.vary += ", Origin";
    h["access-control-expose-headers"] = EXPOSE;
    return h;
  };

  /** Per request, the headers a template cannot hold: the ids, and a listed origin's echo. */
  const perRequest = (res: Response, req: Request, queryId: string, id: string) => {
    const h = res.headers;
    h.set("x-query-id", queryId);
    h.set("x-request-id", id);
    if (!anyOrigin) {
      const origin = req.headers.get("origin");
      if (origin && o.corsOrigins.includes(origin)) h.set("access-control-allow-origin", origin);
    }
  };

  /** A GET hit's Response, cloned from the entry's template for its status and coding: Deno validates a
   * Response's headers and copies its body when it is built (a third of a hit's CPU with eight headers); a
   * clone shares both and only the per-request headers are set. Nothing else is built per request. */
  const templates = new WeakMap<EncodedAnswer, Map<string, Response>>();
  const getHit = (req: Request, e: EncodedAnswer, response: QueryResponse) => {
    let byVariant = templates.get(e);
    if (!byVariant) templates.set(e, byVariant = new Map());
    const ifNoneMatch = req.headers.get("if-none-match");
    const acceptEncoding = req.headers.get("accept-encoding");
    const variant = etagMatches(ifNoneMatch, e.etag) ? "304" : negotiate(acceptEncoding) ?? "identity";
    let tpl = byVariant.get(variant);
    if (!tpl) {
      const r = hitResponse(e, response, hits.policy, true, ifNoneMatch, acceptEncoding);
      const { "x-query-id": _perRequest, ...fixed } = r.headers;
      byVariant.set(variant, tpl = new Response(r.body, { status: r.status, headers: corsFixed(fixed) }));
    }
    return tpl.clone();
  };

  /** A POST hit's Response: its body is its own (this request's query id and timing, then the entry's shared
   * text); a text body with one JSON content-type is Deno's cheapest Response to build. */
  const postHit = (e: EncodedAnswer, response: QueryResponse) => {
    const r = hitResponse(e, response, hits.policy, false, undefined, undefined);
    const res = new Response(r.body, JSON_INIT);
    const h = res.headers;
    const fixed = corsFixed(r.headers);
    for (const k in fixed) if (k !== "content-type" && k !== "x-query-id") h.set(k, fixed[k]);
    return res;
  };

  /** A hit's Response with the CORS headers cors() adds on /api/*; undefined when not a hit (no side effects). */
  const answer = (req: Request, key: string, isGet: boolean, id: string, t0: number, bucket: string) => {
    const request = hits.known.get(key);
    if (!request) return undefined;
    // Counted before the hit is emitted; a refusal (or a miss, after the token is given back) goes to the
    // routed path, whose limiter counts it once and answers 429 with the usual envelope.
    if (bucket && limit!.store!.take(bucket, limit!.rate!, limit!.burst!) !== 0) return undefined;
    const hit = agent.cachedAnswer(request, { requestId: id });
    if (!hit) {
      if (bucket) limit!.store!.refund!(bucket, limit!.burst!);
      return undefined;
    }
    const e = encodedAnswer(hit.shared, version);
    const res = isGet ? getHit(req, e, hit.response) : postHit(e, hit.response);
    perRequest(res, req, hit.response.query_id, id);
    record("/api/query", req.method, res.status, id, t0);
    if (isGet) fastPathServed.get++;
    else fastPathServed.post++;
    return res;
  };

  /** GET hits are answered synchronously (nothing can observe them in flight); a POST is in flight from its
   * arrival, as the drain middleware counts it, while its body arrives. */
  const post = async (req: Request, info: Deno.ServeHandlerInfo | undefined, t0: number, bucket: string) => {
    lifecycle.inFlight = (lifecycle.inFlight ?? 0) + 1;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(await req.arrayBuffer());
    } finally {
      lifecycle.inFlight--;
    }
    let res: Response | undefined;
    if (bytes.byteLength <= maxBodyBytes) {
      res = answer(req, "P" + UTF8.decode(bytes), false, requestIdOf(req), t0, bucket);
    }
    // Not a hit: the routed path, with the same body (its drain middleware counts the request from here on).
    if (!res) return await full(new Request(req, { body: bytes }), info);
    // Drain began while the body was arriving: as the drain middleware does, tell the client not to reuse this connection.
    if (lifecycle.draining) res.headers.set("connection", "close");
    return res;
  };

  return function fastPathFetch(req, info) {
    if (lifecycle.draining) return full(req, info);
    const url = req.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    if (start < 0 || url.length - start > maxUrlBytes) return full(req, info);
    const q = url.indexOf("?", start);
    const path = q < 0 ? url.slice(start) : url.slice(start, q);
    const method = req.method;
    if (path === "/health") {
      if (method !== "GET") return full(req, info);
      lifecycle.lastArrival = Date.now();
      return health(requestIdOf(req), clock());
    }
    if (path !== "/api/query" || o.apiAuth) return full(req, info);
    const bucket = bucketOf(req, info);
    if (bucket === undefined) return full(req, info);
    if (method === "GET") {
      lifecycle.lastArrival = Date.now();
      const t0 = clock();
      return answer(req, "G" + (q < 0 ? "" : url.slice(q + 1)), true, requestIdOf(req), t0, bucket) ??
        full(req, info);
    }
    if (method === "POST") {
      const declared = req.headers.get("content-length");
      if (
        declared === null || !(Number(declared) <= maxBodyBytes) ||
        !JSON_TYPE.test(req.headers.get("content-type") ?? "")
      ) return full(req, info);
      lifecycle.lastArrival = Date.now();
      return post(req, info, clock(), bucket);
    }
    return full(req, info);
  };
}
