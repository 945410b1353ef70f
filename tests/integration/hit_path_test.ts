/** The cached-answer hit path (issue 16): pre-encoded bytes with a strong ETag and 304, negotiated gzip/br that
 * decode to the same JSON, session-bound answers kept private and off the hit path, and observability (metrics,
 * rollups, query log, cache statistics) exactly as the full path reports the same requests. */
import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { Metrics } from "../../core/obs/metrics.ts";
import type { MetricsStore } from "../../core/obs/metrics_store.ts";
import { SignJWT } from "jose";
import { fastPathServed } from "../../edge/fast_path.ts";
import { createVerifier } from "../../edge/ws/auth.ts";
import { observedStack, testAgent } from "../helpers.ts";

const base = await testAgent();

// deno-lint-ignore no-explicit-any
type Any = any;

const stack = () => observedStack();

const Q = "What are the targets of imatinib?";
const getUrl = (q = Q, extra = "") => `http://x/api/query?q=${encodeURIComponent(q)}${extra}`;

Deno.test({
  name: "hit path: strong ETag, 304, compressed variants decode to the same JSON",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const s = await stack();
    const first = await s.app.fetch(new Request(getUrl()));
    const firstBody = await first.json();
    assert.equal(firstBody.cached, false);
    assert.equal(first.headers.get("etag"), null, "a computed answer has per-request fields: no strong ETag");

    const hit = await s.app.fetch(new Request(getUrl()));
    const etag = hit.headers.get("etag")!;
    assert.ok(etag.startsWith(`"${base.data.version}-`) && /-[\w-]{22}"$/.test(etag), etag);
    assert.match(hit.headers.get("cache-control")!, /^public, max-age=\d+/);
    assert.match(hit.headers.get("vary")!, /Accept-Encoding/);
    assert.ok(hit.headers.get("x-query-id")?.startsWith("q_"));
    assert.notEqual(hit.headers.get("x-query-id"), firstBody.query_id);
    const plain = new Uint8Array(await hit.arrayBuffer());
    const json = JSON.parse(new TextDecoder().decode(plain));
    assert.equal(json.cached, true);
    assert.equal(json.answer, firstBody.answer);
    assert.deepEqual(json.result, firstBody.result);

    const again = await s.app.fetch(new Request(getUrl()));
    assert.equal(again.headers.get("etag"), etag, "the same bytes for every hit: a strong ETag");
    assert.deepEqual(new Uint8Array(await again.arrayBuffer()), plain);

    const notModified = await s.app.fetch(new Request(getUrl(), { headers: { "if-none-match": etag } }));
    assert.equal(notModified.status, 304);
    assert.equal(notModified.headers.get("etag"), etag);
    assert.equal((await notModified.arrayBuffer()).byteLength, 0);
    const otherTag = await s.app.fetch(new Request(getUrl(), { headers: { "if-none-match": '"other"' } }));
    assert.equal(otherTag.status, 200);
    await otherTag.body?.cancel();

    for (
      const [accept, coding, decode] of [["gzip", "gzip", gunzipSync], [
        "gzip, br",
        "br",
        brotliDecompressSync,
      ]] as const
    ) {
      const r = await s.app.fetch(new Request(getUrl(), { headers: { "accept-encoding": accept } }));
      assert.equal(r.headers.get("content-encoding"), coding);
      const bytes = new Uint8Array(await r.arrayBuffer());
      assert.ok(
        bytes.byteLength < plain.byteLength / 3,
        `${coding}: ${bytes.byteLength} of ${plain.byteLength}`,
      );
      assert.deepEqual(JSON.parse(new TextDecoder().decode(decode(bytes))), json);
    }
    const refused = await s.app.fetch(
      new Request(getUrl(), { headers: { "accept-encoding": "br;q=0, gzip;q=0" } }),
    );
    assert.equal(refused.headers.get("content-encoding"), null);
    assert.deepEqual(await refused.json(), json);

    // POST of the same question: the same answer with its own query id and timing, no ETag (POST is not cached).
    const post = await s.app.fetch(
      new Request("http://x/api/query", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: Q }),
      }),
    );
    assert.equal(post.headers.get("etag"), null);
    const postBody = await post.json();
    assert.equal(postBody.query_id, post.headers.get("x-query-id"));
    assert.equal(postBody.cached, true);
    assert.deepEqual({ ...postBody, query_id: 0, timing_ms: 0 }, { ...json, query_id: 0, timing_ms: 0 });
    s.store.close();
  },
});

Deno.test({
  name: "hit path: session-bound answers never take it and are private; errors are not stored by HTTP caches",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const s = await stack();
    await (await s.app.fetch(new Request(getUrl()))).arrayBuffer();
    for (let i = 0; i < 2; i++) {
      const r = await s.app.fetch(new Request(getUrl(Q, "&session_id=s_alice")));
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("etag"), null);
      assert.equal(r.headers.get("cache-control"), "private, no-store");
      assert.equal((await r.json()).session_id, "s_alice");
    }
    const bad = await s.app.fetch(new Request("http://x/api/query?q=aspirin&limit=0"));
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get("etag"), null);
    await bad.body?.cancel();
    s.store.close();
  },
});

/** Counters of /metrics that describe queries and the cache (durations and HTTP counters excluded). */
async function counters(m: Metrics): Promise<string[]> {
  return (await m.registry.metrics()).split("\n").filter((l) =>
    /^chemagent_(queries|cache|query)/.test(l) && !/_seconds|_sum|_bucket|_ms\b|bytes|entries/.test(l)
  );
}

Deno.test({
  name:
    "hit path: metrics, rollups, query log and cache statistics equal the full path's for the same requests",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const http = await stack(), direct = await stack();
    const questions = [Q, Q, "ibuprofen", Q, "zorblaxamide", "zorblaxamide", "ibuprofen", Q];
    for (const q of questions) {
      await (await http.app.fetch(new Request(getUrl(q)))).arrayBuffer();
      await direct.agent.query({ query: q });
    }
    assert.deepEqual(await counters(http.metrics), await counters(direct.metrics));
    assert.ok((await counters(http.metrics)).length > 0);
    // Everything but timing (latency histogram, and the health score that weighs it) is the same.
    const summary = async (st: MetricsStore) => {
      const { latency_histogram: _l, latency_ms: _m, health_score: _h, ...rest } =
        (await st.summary()) as Any;
      return rest;
    };
    assert.deepEqual(await summary(http.store), await summary(direct.store));
    assert.equal((await summary(http.store)).queries, questions.length);
    const logged = (s: Awaited<ReturnType<typeof stack>>) =>
      s.lines.filter((l) => /^query (answered|failed)$/.test(l.msg as string)).map((l) => [
        l.msg,
        l.status,
        l.cached,
        l.intent,
        l.origin,
        l.error_code,
      ]);
    assert.equal(logged(http).length, questions.length);
    assert.deepEqual(logged(http), logged(direct));
    // Cache statistics: every count equal (hits, misses, per-kind requests, hot keys); only latency differs.
    const st = (s: Awaited<ReturnType<typeof stack>>) =>
      JSON.stringify(s.cache.stats.snapshot()).replace(/"(avg_latency_ms|latency_ms_total)":[^,}]*/g, "");
    assert.equal(st(http), st(direct));
    http.store.close();
    direct.store.close();
  },
});

// ── The pre-routing fast path (edge/fast_path.ts) against the routed path ────────────────────────────────────

type Stack = Awaited<ReturnType<typeof observedStack>>;
const MASKED = new Set(["ms", "timing_ms", "query_id", "request_id"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A response with its per-request values masked: status, headers, body decoded to JSON (or text). */
async function observed(r: Response) {
  const headers = Object.fromEntries(
    [...r.headers].map(([k, v]) => [
      k,
      k === "x-request-id" && UUID.test(v)
        ? "<uuid>"
        : k === "x-query-id"
        ? "<q>"
        : k === "etag"
        ? v.replace(/-[\w-]{22}"$/, '-<hash>"')
        : v,
    ]),
  );
  const bytes = new Uint8Array(await r.arrayBuffer());
  const coding = r.headers.get("content-encoding");
  const text = new TextDecoder().decode(
    coding === "br" ? brotliDecompressSync(bytes) : coding === "gzip" ? gunzipSync(bytes) : bytes,
  );
  let body: unknown = text;
  try {
    // Timings (step `ms`, timing_ms) and ids differ per request and per run.
    body = JSON.parse(text, (k, v) => (MASKED.has(k) ? undefined : v));
  } catch { /* not JSON */ }
  return { status: r.status, headers, body };
}

/** The same requests, in the same order, through a stack; each response masked. */
async function drive(s: Stack) {
  const get = (q: string, headers: Record<string, string> = {}) =>
    s.app.fetch(new Request(getUrl(q), { headers }));
  const post = (body: string, type = "application/json") =>
    s.app.fetch(
      new Request("http://x/api/query", { method: "POST", headers: { "content-type": type }, body }),
    );
  const out = [];
  out.push(await observed(await get(Q))); // computed
  const hit = await get(Q);
  const etag = hit.headers.get("etag")!;
  out.push(await observed(hit));
  out.push(await observed(await get(Q, { "if-none-match": etag })));
  out.push(await observed(await get(Q, { "if-none-match": `W/${etag}, "x"` })));
  out.push(await observed(await get(Q, { "accept-encoding": "gzip, deflate, br" })));
  out.push(await observed(await get(Q, { "accept-encoding": "gzip" })));
  out.push(await observed(await get(Q, { origin: "http://a.example" })));
  out.push(await observed(await get(Q, { origin: "http://evil.example" })));
  out.push(await observed(await get(Q, { "x-request-id": "client-id-1" })));
  out.push(await observed(await get(Q, { "x-request-id": "bad id!" })));
  out.push(await observed(await get("ibuprofen")));
  out.push(await observed(await get("ibuprofen")));
  out.push(await observed(await post(JSON.stringify({ query: Q }))));
  out.push(await observed(await post(JSON.stringify({ query: "aspirin" }))));
  out.push(await observed(await post(JSON.stringify({ query: "aspirin" }))));
  out.push(await observed(await post(JSON.stringify({ query: "aspirin" }), "text/plain")));
  out.push(await observed(await post("{not json")));
  out.push(await observed(await get(Q, { "x-request-id": "client-id-2" })));
  out.push(await observed(await s.app.fetch(new Request("http://x/health"))));
  out.push(
    await observed(await s.app.fetch(new Request("http://x/health", { headers: { "x-request-id": "h-1" } }))),
  );
  out.push(await observed(await s.app.fetch(new Request(getUrl(Q), { method: "HEAD" }))));
  return out;
}

/** Everything the observability stack recorded, per-request values masked. */
async function recorded(s: Stack) {
  const prom = (await s.metrics.registry.metrics()).split("\n").filter((l) =>
    /^chemagent_(queries|cache|query|http)/.test(l) && !/_seconds|_sum|_bucket|_ms\b|bytes|entries/.test(l)
  );
  const { latency_histogram: _l, latency_ms: _m, health_score: _h, ...rollups } =
    (await s.store.summary()) as Any;
  const lines = s.lines.map(({ ts: _ts, ms: _ms, request_id, query_id: _q, ...rest }) => ({
    ...rest,
    request_id: typeof request_id === "string" && UUID.test(request_id) ? "<uuid>" : request_id,
  }));
  const cache = JSON.stringify(s.cache.stats.snapshot()).replace(
    /"(avg_latency_ms|latency_ms_total)":[^,}]*/g,
    "",
  );
  return { prom, rollups, lines, cache };
}

for (const corsOrigins of [["*"], ["http://a.example"]]) {
  Deno.test({
    name:
      `fast path: responses, metrics, rollups, query and access logs equal the routed path's (CORS ${corsOrigins})`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const before = { ...fastPathServed };
      const fast = await observedStack({ accessLog: true, corsOrigins });
      const routed = await observedStack({ accessLog: true, corsOrigins, app: { fastPath: false } });
      const a = await drive(fast);
      const servedByFast = fastPathServed.get + fastPathServed.post + fastPathServed.health -
        (before.get + before.post + before.health);
      const b = await drive(routed);
      assert.equal(
        fastPathServed.get + fastPathServed.post + fastPathServed.health -
          (before.get + before.post + before.health),
        servedByFast,
        "the routed stack never takes the fast path",
      );
      // GET hits (9 of them, incl. the 304 and the client ids), POST hits (2), /health (2).
      assert.equal(servedByFast, 13);
      assert.equal(a.length, b.length);
      for (let i = 0; i < a.length; i++) assert.deepEqual(a[i], b[i], `request #${i}`);
      assert.equal(a[2].status, 304);
      assert.equal(a[8].headers["x-request-id"], "client-id-1");
      assert.deepEqual(await recorded(fast), await recorded(routed));
      assert.ok(
        (await recorded(fast)).prom.some((l) => /chemagent_http_requests_total\{.*\/api\/query/.test(l)),
      );
      assert.ok((await recorded(fast)).lines.filter((l) => (l as Any).msg === "http").length === a.length);
      fast.store.close();
      routed.store.close();
    },
  });
}

Deno.test({
  name: "fast path: auth, the rate limit and draining still apply to cached answers",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const secret = "fast-path-test-secret-0123456789abcdef";
    const token = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("u1")
      .setExpirationTime(
        "5m",
      ).sign(new TextEncoder().encode(secret));
    const authed = await observedStack({
      app: { auth: { verifier: createVerifier({ required: true, secret }), required: true } },
    });
    const bearer = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 2; i++) {
      const r = await authed.app.fetch(new Request(getUrl(), { headers: bearer }));
      assert.equal(r.status, 200);
      await r.body?.cancel();
    }
    const anonymous = await authed.app.fetch(new Request(getUrl()));
    assert.equal(anonymous.status, 401, "a cached answer still needs a token");
    await anonymous.body?.cancel();
    const forged = await authed.app.fetch(
      new Request(getUrl(), { headers: { authorization: "Bearer x.y.z" } }),
    );
    assert.equal(forged.status, 401);
    await forged.body?.cancel();
    authed.store.close();

    // Loopback counted, and a remote client: the hit is answered by the fast path, counted in the same bucket
    // as the routed miss before it, and the request after the burst is refused by the routed limiter (429
    // envelope) even though it is a hit. Another client has its own bucket.
    for (
      const [limitLoopback, hostname] of [[true, "127.0.0.1"], [false, "203.0.113.9"]] as const
    ) {
      const limited = await observedStack({ app: { rateLimit: { rate: 0.001, burst: 2, limitLoopback } } });
      const info = (host: string) =>
        ({ remoteAddr: { transport: "tcp", hostname: host, port: 5000 } }) as Deno.ServeHandlerInfo;
      const statuses = [];
      const fastBefore = fastPathServed.get;
      for (let i = 0; i < 4; i++) {
        const r = await limited.app.fetch(new Request(getUrl()), info(hostname) as never);
        statuses.push(r.status);
        if (r.status === 429) assert.equal((await r.json()).error.code, "rate_limited");
        else await r.body?.cancel();
      }
      assert.deepEqual(statuses, [200, 200, 429, 429], `${hostname}, limitLoopback=${limitLoopback}`);
      assert.equal(fastPathServed.get - fastBefore, 1, "the counted client's hit took the fast path");
      const other = await limited.app.fetch(new Request(getUrl()), info("198.51.100.7") as never);
      assert.equal(other.status, 200, "another client has its own bucket");
      await other.body?.cancel();
      assert.equal(fastPathServed.get - fastBefore, 2);
      limited.store.close();
    }

    const life = { draining: false, startedAt: performance.now() };
    const draining = await observedStack({ app: { lifecycle: life } });
    for (let i = 0; i < 2; i++) await (await draining.app.fetch(new Request(getUrl()))).arrayBuffer();
    life.draining = true;
    const refused = await draining.app.fetch(new Request(getUrl()));
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("connection"), "close");
    await refused.body?.cancel();
    const health = await draining.app.fetch(new Request("http://x/health"));
    assert.equal(health.status, 200);
    await health.body?.cancel();
    draining.store.close();
  },
});
