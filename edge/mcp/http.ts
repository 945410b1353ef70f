/**
 * @module Streamable HTTP at /mcp (SDK web-standard transport on Hono): one MCP server per session, sessions owned
 * by the token's `sub`, SSE streams resumable through the event store, Host/Origin validation, bearer JWT with
 * protected-resource metadata (RFC 9728) and `WWW-Authenticate: Bearer resource_metadata=…` on 401.
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { Server } from "./sdk.ts";
import type { Agent } from "../../core/mod.ts";
import type { Access } from "../ws/access.ts";
import { type Principal, tokenFromRequest, type Verifier } from "../ws/auth.ts";
import { MemoryEventStore } from "./event_store.ts";
import { hostCheck } from "./origin.ts";
import type { McpTransport } from "./transport.ts";
import { RedisEventStore, type RedisMcpOptions, RedisSessionOwners } from "./redis_store.ts";
import type { RedisClient as Redis } from "../../core/mod.ts";
import { type Parsed, readRpcBody, wantsJson } from "./body.ts";

export interface McpHttpOptions {
  agent: Agent;
  verifier?: Verifier;
  /** Every request needs a valid bearer token. */
  authRequired: boolean;
  /** Hosts/origins allowed to reach /mcp (`localhost` = loopback on any port; `*` = any). */
  allowedOrigins: string[];
  /** Authorization servers named in the protected-resource metadata (the JWT issuer). */
  authorizationServers?: string[];
  /** Ownership rules (edge/ws/access.ts) for `ask` conversations. */
  access?: Access;
  /** Runs after authentication, before the transport (the HTTP rate limiter, when the app has one). */
  limiter?: MiddlewareHandler;
  /** Largest JSON-RPC request body (CHEMAGENT_MAX_BODY_BYTES); the transport answers 413 above it. */
  maxBodyBytes?: number;
  /** Open sessions at most (the oldest idle one is closed to make room). */
  maxSessions?: number;
  /** A session unused this long is closed. */
  idleMs?: number;
  /**
   * No sessions (MCP_STATELESS): every POST is self-contained, served by a pooled server over a transport of its
   * own, so any replica can take any request (no load-balancer affinity). No GET stream, no resumability, no
   * cancellation of a call from another request.
   */
  stateless?: boolean;
  /**
   * Shared state for replicas without load-balancer affinity: the resumability event store (Redis Streams) and
   * session ownership, so any replica takes any session's request. Without it both stay in this process.
   */
  redis?: Redis;
  redisOptions?: RedisMcpOptions;
  onUnexpected?: (err: unknown) => void;
}

type AuthInfo = NonNullable<Parameters<McpTransport["handleRequest"]>[1]>["authInfo"];

interface Session {
  transport: McpTransport;
  server: Server;
  sub?: string;
  lastSeen: number;
  /** When Redis last heard of it (its expiry is refreshed at most once a minute). */
  touched: number;
}

export interface McpHttp {
  /** Hono routes: `/mcp` and `/.well-known/oauth-protected-resource[/mcp]`; mount at "/". */
  app: Hono;
  sessions: Map<string, Session>;
  /** Tool calls running now (across sessions). */
  readonly running: number;
  /** Waits (at most `timeoutMs`) for running tool calls to answer; true when none is left. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Closes every session (shutdown). */
  close(): Promise<void>;
}

const METADATA_PATH = "/.well-known/oauth-protected-resource";

type Runtime = typeof import("./runtime.ts");
let runtime: Runtime | undefined;
/** The SDK half of the server, loaded once (first `/mcp` request or the preload after start). */
const loadRuntime = async (): Promise<Runtime> => runtime ??= await import("./runtime.ts");

export function mcpHttp(o: McpHttpOptions): McpHttp {
  const sessions = new Map<string, Session>();
  const eventStore = o.redis ? new RedisEventStore(o.redis, o.redisOptions) : new MemoryEventStore();
  const owners = o.redis ? new RedisSessionOwners(o.redis, o.redisOptions) : undefined;
  const TOUCH_MS = 60_000;
  const checkHost = hostCheck(o.allowedOrigins);
  const maxSessions = o.maxSessions ?? 1_000;
  const idleMs = o.idleMs ?? 30 * 60_000;
  const app = new Hono();
  let running = 0;
  const onCall = (delta: 1 | -1) => void (running += delta);

  const closeSession = async (id: string) => {
    const s = sessions.get(id);
    sessions.delete(id);
    await s?.transport.close().catch(() => {});
  };
  // `sessions` is kept in least-recently-used order (a use moves the session to the end): the sweep stops at
  // the first live session, and eviction takes the first one.
  const sweep = setInterval(() => {
    const cutoff = performance.now() - idleMs;
    for (const [id, s] of sessions) {
      if (s.lastSeen >= cutoff) break;
      void closeSession(id);
    }
  }, 60_000);
  Deno.unrefTimer(sweep);
  // Off the start-up path (readiness first), but loaded before a client is likely to ask.
  const preload = setTimeout(() => void loadRuntime().catch(() => {}), 1_000);
  Deno.unrefTimer(preload);

  const metadata = (req: Request) => {
    const base = publicBase(req);
    return {
      resource: `${base}/mcp`,
      resource_name: "ChemAgent MCP server",
      authorization_servers: o.authorizationServers ?? [],
      bearer_methods_supported: ["header"],
      resource_documentation: `${base}/docs`,
    };
  };
  app.get(METADATA_PATH, (c) => c.json(metadata(c.req.raw)));
  app.get(`${METADATA_PATH}/mcp`, (c) => c.json(metadata(c.req.raw)));

  const rpcError = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });

  const unauthorized = (req: Request, reason: "missing" | "invalid") => {
    const challenge = `Bearer resource_metadata="${publicBase(req)}${METADATA_PATH}/mcp"` +
      (reason === "invalid" ? `, error="invalid_token", error_description="Invalid or expired token"` : "");
    const message = reason === "invalid"
      ? "unauthorized: invalid or expired token."
      : "unauthorized: Authorization: Bearer <token> is required.";
    return rpcError(401, -32001, message, { "www-authenticate": challenge });
  };

  // 1. DNS-rebinding protection before anything else is read; then the SDK half is there for what follows.
  app.use("/mcp", async (c, next) => {
    const refused = checkHost(c.req.raw.headers);
    if (refused) return rpcError(403, -32000, `forbidden: ${refused} (MCP_ALLOWED_ORIGINS).`);
    if (!runtime) await loadRuntime();
    await next();
  });

  // 2. Authentication: the principal is put where the HTTP rate limiter reads it.
  app.use("/mcp", async (c, next) => {
    const token = tokenFromRequest(c.req.raw.headers);
    if (!token) {
      if (o.authRequired) return unauthorized(c.req.raw, "missing");
      return await next();
    }
    if (!o.verifier) return unauthorized(c.req.raw, "invalid");
    try {
      c.set("principal" as never, await o.verifier(token) as never);
    } catch {
      return unauthorized(c.req.raw, "invalid");
    }
    await next();
  });

  if (o.limiter) app.use("/mcp", o.limiter);

  /** A server and its session transport; the session is registered once `initialize` (or adoption) names it. */
  const sessionPair = (sub: string | undefined) => {
    const server = newServer();
    const transport: McpTransport = new runtime!.McpTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      eventStore,
      retryInterval: 1_000,
      ...(o.maxBodyBytes ? { maxRequestBodySize: o.maxBodyBytes } : {}),
      onsessioninitialized: async (sid) => {
        // Only a real new session makes room (junk requests without a session never evict anyone).
        if (sessions.size >= maxSessions) void closeSession(sessions.keys().next().value!);
        const now = performance.now();
        sessions.set(sid, { transport, server, sub, lastSeen: now, touched: now });
        // Before the answer leaves: the client's next request may reach another replica.
        // Redis unreachable: the session still works on this replica.
        await owners?.claim(sid, sub).catch(() => {});
      },
      onsessionclosed: async (sid) => {
        sessions.delete(sid);
        await owners?.drop(sid).catch(() => {});
      },
    });
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    return { server, transport };
  };

  /** Takes over a session another replica opened, when Redis says it exists and belongs to this caller. */
  const adopt = async (id: string, sub: string | undefined): Promise<Session | undefined> => {
    if (!owners) return undefined;
    const owner = await owners.owner(id).catch(() => undefined);
    if (owner === undefined || owner !== (sub ?? "")) return undefined;
    const known = sessions.get(id); // another request adopted it meanwhile
    if (known) return known;
    const { server, transport } = sessionPair(sub);
    transport.resume(id);
    await server.connect(transport);
    if (sessions.size >= maxSessions) void closeSession(sessions.keys().next().value!);
    const now = performance.now();
    const s = { transport, server, sub, lastSeen: now, touched: now };
    sessions.set(id, s);
    return s;
  };

  // The caller rides on each request (authInfo.extra.principal), so a server is not tied to one user.
  const newServer = () =>
    runtime!.createMcpServer(o.agent, { access: o.access, onCall, onUnexpected: o.onUnexpected });
  /** Stateless mode: servers connected to a sessionless transport, each serving one request at a time. */
  interface Pooled {
    server: Server;
    transport: McpTransport;
  }
  const pool: Pooled[] = [];
  const POOL_MAX = 64;
  const busy = new Set<Pooled>();
  const pooled = async (): Promise<Pooled> => {
    const p = pool.pop();
    if (p) return p;
    const server = newServer();
    const transport = new runtime!.McpTransport({
      sessionIdGenerator: undefined,
      ...(o.maxBodyBytes ? { maxRequestBodySize: o.maxBodyBytes } : {}),
    });
    await server.connect(transport);
    return { server, transport };
  };
  const discard = (p: Pooled) => {
    busy.delete(p);
    void p.server.close().catch(() => {});
  };

  /**
   * Stateless: one self-contained exchange on a pooled server and transport. A JSON answer (or a 202) completes
   * the exchange, and the pair goes back to the pool as it is: no per-request server, transport or connect.
   * A streamed answer's pair is discarded when the stream ends (a call may still run if the client left).
   */
  const statelessRequest = async (req: Request, authInfo: AuthInfo | undefined): Promise<Response> => {
    if (req.method !== "POST") {
      return rpcError(405, -32000, "Method not allowed: this server is stateless (POST only).", {
        allow: "POST",
      });
    }
    const body = await readRpcBody(req, o.maxBodyBytes);
    if (body instanceof Response) return body;
    const p = await pooled();
    busy.add(p);
    let res: Response;
    try {
      p.transport.nextExchange();
      res = await p.transport.handle(
        req,
        body ? { authInfo, parsedBody: body.message, json: wantsJson(body) } : { authInfo },
      );
    } catch (e) {
      discard(p);
      throw e;
    }
    if (!res.body || res.headers.get("content-type") !== "text/event-stream") {
      busy.delete(p);
      if (pool.length < POOL_MAX && p.transport.idle) pool.push(p);
      else discard(p);
      return res;
    }
    return new Response(onEnd(res.body, () => discard(p)), res);
  };

  app.all("/mcp", async (c) => {
    const req = c.req.raw;
    const principal = c.get("principal" as never) as Principal | undefined;
    const sub = principal?.sub;
    const authInfo = sub
      ? { token: tokenFromRequest(req.headers)!, clientId: sub, scopes: [], extra: { principal } }
      : undefined;
    if (o.stateless) return await statelessRequest(req, authInfo);
    const id = req.headers.get("mcp-session-id");
    // A session another replica opened (Redis knows its owner) is taken over here: no affinity needed.
    const s = id ? sessions.get(id) ?? await adopt(id, sub) : undefined;
    // Someone else's session is reported exactly like an unknown one: its existence is not disclosed.
    if (id && (!s || s.sub !== sub)) return rpcError(404, -32001, "Session not found");
    if (s && owners && performance.now() - s.touched > TOUCH_MS) {
      s.touched = performance.now();
      owners.touch(id!).catch(() => {});
    }
    // The body is read and bounded here (size, nesting depth) before the SDK sees it; the SDK keeps its own
    // answers for a wrong method, Accept or Content-Type.
    let parsed: Parsed | undefined;
    if (req.method === "POST") {
      const body = await readRpcBody(req, o.maxBodyBytes);
      if (body instanceof Response) return body;
      parsed = body;
    }
    const options = parsed ? { authInfo, parsedBody: parsed.message, json: wantsJson(parsed) } : { authInfo };
    if (s) {
      s.lastSeen = performance.now();
      sessions.delete(id!);
      sessions.set(id!, s);
      return await s.transport.handle(req, options);
    }
    if (req.method !== "POST") {
      return rpcError(400, -32000, "Bad Request: Mcp-Session-Id header is required");
    }
    // A request without a session may only be `initialize`; the transport refuses anything else.
    const { server, transport } = sessionPair(sub);
    await server.connect(transport);
    const res = await transport.handle(req, options);
    if (!transport.sessionId) await server.close().catch(() => {}); // not an initialize: nothing to keep
    return res;
  });

  return {
    app,
    sessions,
    get running() {
      return running;
    },
    async drain(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      // A call's handler returns before its answer is written (the SDK sends it afterwards, through the event
      // store): wait for the answers too, or closing the sessions could drop one.
      const busyNow = () =>
        running > 0 || busy.size > 0 || [...sessions.values()].some((s) => s.transport.answering);
      while (busyNow() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      return !busyNow();
    },
    async close() {
      clearInterval(sweep);
      clearTimeout(preload);
      await Promise.all([...busy, ...pool].map((p) => p.server.close().catch(() => {})));
      busy.clear();
      pool.length = 0;
      await Promise.all([...sessions.keys()].map(closeSession));
    },
  };
}

/** The same bytes, calling `done` once when the stream ends, fails or is cancelled by the client. */
function onEnd(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream({
    async pull(controller) {
      try {
        const { value, done: end } = await reader.read();
        if (end) {
          controller.close();
          done();
        } else controller.enqueue(value);
      } catch (e) {
        controller.error(e);
        done();
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => {});
      done();
    },
  });
}

/** The server's public origin as the client sees it (X-Forwarded-* from a proxy in front, else the URL). */
function publicBase(req: Request): string {
  const url = new URL(req.url);
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0].trim() || url.protocol.replace(":", "");
  const host = req.headers.get("x-forwarded-host")?.split(",")[0].trim() || req.headers.get("host") ||
    url.host;
  return `${proto}://${host}`;
}
