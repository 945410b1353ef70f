/** The cached-answer hit path (issue 16): pre-encoded bytes with a strong ETag and 304, negotiated gzip/br that
 * decode to the same JSON, session-bound answers kept private and off the hit path, and observability (metrics,
 * rollups, query log, cache statistics) exactly as the full path reports the same requests. */
import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { Metrics } from "../../core/obs/metrics.ts";
import type { MetricsStore } from "../../core/obs/metrics_store.ts";
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
