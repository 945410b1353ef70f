/** The cache through the real HTTP server: cached flag and tier, per-request bypass, stats, tag/namespace
 * invalidation, invalidation events, Prometheus metrics. */
import assert from "node:assert/strict";
import { Agent } from "../../core/mod.ts";
import { LayeredCache } from "../../core/cache/mod.ts";
import { Metrics } from "../../core/obs/metrics.ts";
import { createApp } from "../../edge/app.ts";
import { getJson, postJson, testAgent } from "../helpers.ts";

const base = await testAgent();
const metrics = new Metrics();
const cache = new LayeredCache();
metrics.watchCache(cache);
const agent = new Agent(base.data, base.chem, { cache, observers: [metrics.listener()] });
const app = createApp({
  agent,
  config: { CHEMAGENT_MAX_BODY_BYTES: 65536, corsOrigins: ["*"] },
  metrics,
  onUnexpected: () => {},
});
const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
const u = (p: string) => `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}${p}`;
// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test({
  name: "cache over HTTP",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await t.step(
      "the response key: spacing and final punctuation do not matter; limit and case do",
      async () => {
        const ask = async (query: string, limit?: number) =>
          (await postJson(u("/api/query"), { query, ...(limit ? { options: { limit } } : {}) })).body.cached;
        assert.equal(await ask("Find compounds similar to c1ccccc1O"), false);
        assert.equal(await ask("Find  compounds similar to c1ccccc1O ?"), true);
        assert.equal(
          await ask("Find compounds similar to c1ccccc1O", 3),
          false,
          "another limit is another answer",
        );
        assert.equal(await ask("Find compounds similar to c1ccccc1O", 3), true);
        assert.equal(await ask("Find compounds similar to C1CCCCC1O"), false, "SMILES case matters");
        assert.equal(await ask("Find compounds similar to c1ccccc1O"), true, "remembered keys stay right");
      },
    );

    await t.step("second identical question is served from L1 with cached: true", async () => {
      const a = await postJson(u("/api/query"), { query: "What are the targets of aspirin?" });
      const b = await postJson(u("/api/query"), { query: "What are the targets of aspirin" });
      assert.equal(a.body.cached, false);
      assert.equal(b.body.cached, true);
      assert.equal(b.body.cache_tier, "l1");
      assert.notEqual(a.body.query_id, b.body.query_id);
      assert.equal(b.body.answer, a.body.answer);
      const g = await getJson(u("/api/query?q=" + encodeURIComponent("What are the targets of aspirin?")));
      assert.equal(g.body.cached, true);
    });
    await t.step("options.cache = false bypasses the cache", async () => {
      const r = await postJson(u("/api/query"), {
        query: "What are the targets of aspirin?",
        options: { cache: false },
      });
      assert.equal(r.body.cached, false);
      assert.ok((r.body.timing_ms as Any).execute > 0);
    });
    await t.step("session ids are per request, never leaked from the cached entry", async () => {
      await postJson(u("/api/query"), { query: "ligands of EGFR", session_id: "s_alice" });
      const r = await postJson(u("/api/query"), { query: "ligands of EGFR", session_id: "s_bob" });
      assert.equal(r.body.cached, true);
      assert.equal(r.body.session_id, "s_bob");
      const anon = await postJson(u("/api/query"), { query: "ligands of EGFR" });
      assert.equal(anon.body.session_id, undefined);
    });
    await t.step("stats report tiers, kinds and top keys", async () => {
      const s = (await getJson(u("/api/cache/stats"))).body.result as Any;
      assert.ok(s.tiers.l1.hits >= 3);
      assert.ok(s.kinds.query.hit_ratio > 0);
      assert.ok(s.top_keys.some((k: Any) => /targets of aspirin/.test(k.label)));
    });
    await t.step("DELETE ?tag= removes exactly the tagged entries", async () => {
      await postJson(u("/api/query"), { query: "molecular weight of imatinib" });
      const del = await getJson(u("/api/cache?tag=compound:CHEMBL25"), { method: "DELETE" });
      assert.ok((del.body.result as Any).removed >= 1);
      assert.equal(
        (await postJson(u("/api/query"), { query: "What are the targets of aspirin?" })).body.cached,
        false,
      );
      assert.equal(
        (await postJson(u("/api/query"), { query: "molecular weight of imatinib" })).body.cached,
        true,
      );
    });
    await t.step("compound_updated event invalidates that compound's entries", async () => {
      const ev = await postJson(u("/api/cache/events"), { type: "compound_updated", id: "CHEMBL941" });
      assert.equal((ev.body.result as Any).tag, "compound:CHEMBL941");
      assert.equal(
        (await postJson(u("/api/query"), { query: "molecular weight of imatinib" })).body.cached,
        false,
      );
    });
    await t.step("flush by namespace and bad invalidation requests", async () => {
      const f = await getJson(u("/api/cache?namespace=query"), { method: "DELETE" });
      assert.equal(f.status, 200);
      const none = await getJson(u("/api/cache"), { method: "DELETE" });
      assert.equal(none.status, 400);
      assert.equal((none.body.error as Any).code, "invalid_parameter");
      assert.equal((await getJson(u("/api/cache?namespace=everything"), { method: "DELETE" })).status, 400);
      assert.equal(
        (await postJson(u("/api/cache/events"), { type: "compound_updated", id: "aspirin" })).status,
        400,
      );
    });
    await t.step("Prometheus exposes cache and query metrics with bounded labels", async () => {
      const text = await (await fetch(u("/metrics"))).text();
      assert.match(text, /chemagent_cache_operations_total\{tier="l1",outcome="hit"\} \d+/);
      assert.match(text, /chemagent_cache_requests_total\{kind="query",served="cache"\} \d+/);
      assert.match(
        text,
        /chemagent_queries_total\{intent_type="target_query",status="success",cache_hit="true",origin="user"\} \d+/,
      );
      assert.match(text, /chemagent_cache_l1_entries \d+/);
      assert.ok(!/aspirin/.test(text), "no query text in labels");
    });
  },
});

Deno.test({ name: "close", sanitizeOps: false, sanitizeResources: false, fn: () => server.shutdown() });
