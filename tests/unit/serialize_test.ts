/** Response bodies of cache hits are stitched from a per-entry serialised part and the per-request fields:
 * they must be exactly the JSON of the whole response. */
import assert from "node:assert/strict";
import { LayeredCache } from "../../core/cache/mod.ts";
import { Agent, responseToJson } from "../../core/mod.ts";
import { volatileHead } from "../../core/answer/serialize.ts";
import { testAgent } from "../helpers.ts";

const base = await testAgent();

Deno.test("cache-hit bodies equal the JSON of the whole response", async () => {
  const cache = new LayeredCache();
  const agent = new Agent(base.data, base.chem, { cache });
  try {
    for (const query of ["Compare aspirin and ibuprofen", "What are the targets of imatinib?"]) {
      const first = await agent.query({ query });
      const hit = await agent.query({ query, session_id: "s-1" });
      assert.equal(first.cached, false);
      assert.equal(hit.cached, true);
      for (const r of [first, hit, await agent.query({ query })]) {
        const text = responseToJson(r);
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(r)));
      }
      assert.equal(JSON.parse(responseToJson(hit)).session_id, "s-1");
      assert.notEqual(JSON.parse(responseToJson(hit)).query_id, first.query_id);
    }
  } finally {
    await cache.close();
  }
});

Deno.test("volatileHead writes exactly what JSON.stringify writes for the per-request fields", () => {
  const heads = [
    {
      query_id: "q_1",
      cached: true,
      cache_tier: "l1",
      timing_ms: { total: 0.123, parse: 0, plan: 0, execute: 0 },
    },
    {
      query_id: 'q_"\\x',
      session_id: "s-\u2014",
      cached: false,
      timing_ms: { total: 12, parse: 1, plan: 2, execute: 9 },
    },
    {
      query_id: "q_2",
      session_id: "",
      cached: true,
      cache_tier: "l2",
      timing_ms: { total: 1e-7, parse: 0, plan: 0, execute: 0 },
    },
  ] as Parameters<typeof volatileHead>[0][];
  for (const h of heads) {
    const stringify = JSON.stringify({
      query_id: h.query_id,
      ...(h.session_id ? { session_id: h.session_id } : {}),
      cached: h.cached,
      ...(h.cache_tier ? { cache_tier: h.cache_tier } : {}),
      timing_ms: h.timing_ms,
    }).slice(0, -1);
    assert.equal(volatileHead(h), stringify);
  }
});
