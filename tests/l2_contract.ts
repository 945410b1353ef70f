/** @module The L2 driver contract, one body for every driver and every Redis topology (cache_drivers_test.ts,
 * redis_topologies_test.ts). */
import assert from "node:assert/strict";
import { encodeEntry, type L2Driver, LayeredCache } from "../core/cache/mod.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bytes = (s: string) => new TextEncoder().encode(s);

/** Runs the contract's steps on `d` (which it clears first). */
export async function l2Contract(t: Deno.TestContext, d: L2Driver): Promise<void> {
  await d.clear("chemagent:");
  await t.step("round-trips bytes (including non-UTF-8)", async () => {
    const v = new Uint8Array([0, 255, 128, 1, 2, 0xc3, 0x28]);
    await d.set("chemagent:test:a", v, 5000, []);
    assert.deepEqual(await d.get("chemagent:test:a"), v);
    assert.equal(await d.get("chemagent:test:missing"), null);
  });
  await t.step("expires by TTL", async () => {
    await d.set("chemagent:test:ttl", bytes("x"), 80, []);
    assert.ok(await d.get("chemagent:test:ttl"));
    await sleep(150);
    assert.equal(await d.get("chemagent:test:ttl"), null);
  });
  await t.step("deletes exactly the tagged entries", async () => {
    await d.set("chemagent:test:t1", bytes("1"), 5000, ["compound:CHEMBL25"]);
    await d.set("chemagent:test:t2", bytes("2"), 5000, ["compound:CHEMBL25", "tool:x"]);
    await d.set("chemagent:test:t3", bytes("3"), 5000, ["compound:CHEMBL941"]);
    const removed = await d.deleteTag("compound:CHEMBL25");
    assert.deepEqual(removed.sort(), ["chemagent:test:t1", "chemagent:test:t2"]);
    assert.equal(await d.get("chemagent:test:t1"), null);
    assert.equal(await d.get("chemagent:test:t2"), null);
    assert.ok(await d.get("chemagent:test:t3"));
  });
  await t.step("flushes by namespace prefix only", async () => {
    await d.set("chemagent:query:q1", bytes("q"), 5000, []);
    await d.set("chemagent:tool:t1", bytes("t"), 5000, []);
    await d.clear("chemagent:query:");
    assert.equal(await d.get("chemagent:query:q1"), null);
    assert.ok(await d.get("chemagent:tool:t1"));
  });
  await t.step("deletes keys", async () => {
    await d.set("chemagent:test:d", bytes("d"), 5000, []);
    assert.equal(await d.delete(["chemagent:test:d"]), 1);
    assert.equal(await d.get("chemagent:test:d"), null);
  });
  await t.step(
    "corrupted or foreign values are misses through the orchestrator, never a crash",
    async () => {
      const cache = new LayeredCache({ l2: d });
      await d.set("chemagent:tool:bad", bytes("not ours at all"), 5000, []);
      await d.set("chemagent:tool:bad2", new Uint8Array([0x43, 0x41, 0x43, 0x31, 0xc1, 0xff]), 5000, []);
      let computed = 0;
      for (const k of ["chemagent:tool:bad", "chemagent:tool:bad2"]) {
        const r = await cache.getOrCompute(k, () => Promise.resolve(++computed));
        assert.equal(r.tier, "compute");
      }
      assert.equal(computed, 2);
      // And a good entry written by one orchestrator is read by another.
      const other = new LayeredCache({ l2: d });
      await cache.set("chemagent:tool:good", { hello: "world" });
      assert.deepEqual(
        (await other.getOrCompute("chemagent:tool:good", () => Promise.resolve({ hello: "recomputed" })))
          .value,
        { hello: "world" },
      );
      assert.ok(encodeEntry({ v: 1, e: 1, s: 1, t: [] }).length > 4);
    },
  );
}
