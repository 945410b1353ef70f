/** Response bodies of cache hits are stitched from a per-entry serialised part and the per-request fields:
 * they must be exactly the JSON of the whole response. */
import assert from "node:assert/strict";
import { LayeredCache } from "../../core/cache/mod.ts";
import { Agent, responseToJson } from "../../core/mod.ts";
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
