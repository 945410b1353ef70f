/** Three agent instances sharing a real Redis L2: cross-instance invalidation, one computation for many
 * concurrent misses, Redis killed under load, exact tag/event invalidation, hit ratio on a replayed workload. */
import assert from "node:assert/strict";
import { Agent } from "../../core/mod.ts";
import { cacheKey, createRedisClient, LayeredCache, RedisBus, RedisTier } from "../../core/cache/mod.ts";
import { testAgent } from "../helpers.ts";
import { type RedisProcess, startRedis } from "../services.ts";

const base = await testAgent();
const redis = await startRedis();

async function instance(r: RedisProcess, opts: { l2RetryMs?: number } = {}) {
  const client = createRedisClient({ url: r.url });
  client.on("error", () => {});
  const tier = new RedisTier(client);
  await tier.ready(2000);
  const cache = new LayeredCache({
    l2: tier,
    lock: tier,
    bus: new RedisBus(client, () => {
      const s = createRedisClient({ url: r.url, offlineQueue: true });
      s.on("error", () => {});
      return s;
    }),
    l2RetryMs: opts.l2RetryMs ?? 200,
  });
  await cache.start();
  const agent = new Agent(base.data, base.chem, { cache });
  return { cache, agent };
}

const opts = { sanitizeOps: false, sanitizeResources: false };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test({
  ...opts,
  // Correctness only: how fast the eviction travels is measured in bench/cache.ts. The 5 s deadline only
  // detects a bus that never delivers.
  name: "an invalidation on one instance evicts L1 on the others (pub/sub bus)",
  async fn() {
    const nodes = await Promise.all([instance(redis), instance(redis), instance(redis)]);
    await sleep(50); // subscriptions established
    const q = "What are the targets of imatinib?";
    for (const n of nodes) await n.agent.query({ query: q });
    const key = cacheKey("query", q.replace(/\?$/, ""), null, base.data.version);
    for (const n of nodes) assert.ok(n.cache.l1.get(key), "cached in every L1");
    const t0 = performance.now();
    await nodes[0].cache.invalidateTags(["compound:CHEMBL941"]);
    while (nodes.slice(1).some((n) => n.cache.l1.get(key)) && performance.now() - t0 < 5000) await sleep(5);
    assert.ok(nodes.every((n) => !n.cache.l1.get(key)), "evicted everywhere");
    await Promise.all(nodes.map((n) => n.cache.close()));
  },
});

Deno.test({
  ...opts,
  name: "1,000 concurrent identical misses over 3 instances compute exactly once",
  async fn() {
    const nodes = await Promise.all([instance(redis), instance(redis), instance(redis)]);
    const key = cacheKey("test", "stampede", crypto.randomUUID());
    let computations = 0;
    const compute = async () => {
      computations++;
      await sleep(50);
      return { answer: 42 };
    };
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => nodes[i % 3].cache.getOrCompute(key, compute)),
    );
    assert.equal(computations, 1);
    assert.ok(results.every((r) => r.value.answer === 42));
    // And through the real query path: 300 concurrent identical questions, one pipeline run.
    const q = `common targets of aspirin and ibuprofen ${crypto.randomUUID().slice(0, 4)}`.replace(
      / \w+$/,
      "",
    );
    await Promise.all(nodes.map((n) => n.cache.flush("query")));
    const before = nodes.reduce((s, n) => s + (n.cache.stats.kinds.get("query")?.computes ?? 0), 0);
    const rs = await Promise.all(
      Array.from({ length: 300 }, (_, i) => nodes[i % 3].agent.query({ query: q })),
    );
    const after = nodes.reduce((s, n) => s + (n.cache.stats.kinds.get("query")?.computes ?? 0), 0);
    assert.equal(after - before, 1);
    assert.ok(rs.every((r) => r.status === "success" && r.intent.type === "target_comparison"));
    await Promise.all(nodes.map((n) => n.cache.close()));
  },
});

Deno.test({
  ...opts,
  name: "tag and event invalidation remove exactly the tagged entries",
  async fn() {
    const [a, b] = await Promise.all([instance(redis), instance(redis)]);
    await a.cache.flush("*");
    const qs = [
      "targets of aspirin",
      "targets of imatinib",
      "molecular weight of aspirin",
      "ligands of EGFR",
    ];
    for (const q of qs) await a.agent.query({ query: q });
    const keyOf = (q: string) => cacheKey("query", q, null, base.data.version);
    const removed = await a.cache.invalidateTags(["compound:CHEMBL25"]);
    assert.ok(removed >= 2);
    const still = async (q: string) => !!(await b.cache.l2!.get(keyOf(q)));
    assert.equal(await still("targets of aspirin"), false);
    assert.equal(await still("molecular weight of aspirin"), false);
    assert.equal(await still("targets of imatinib"), true, "imatinib entries untouched");
    // A tool-level entry for imatinib survives; aspirin's tool entries are gone.
    const imatinibTool = cacheKey("tool", "targets_of_compound", {
      compound: "CHEMBL941",
      include_activity: true,
    }, base.data.version);
    assert.ok(await b.cache.l2!.get(imatinibTool));
    // Event: "tool_changed" for ligands_of_target removes only that tool's entries and queries that used it.
    await a.cache.invalidateTags(["tool:ligands_of_target"]);
    assert.equal(await still("ligands of EGFR"), false);
    assert.equal(await still("targets of imatinib"), true);
    await Promise.all([a.cache.close(), b.cache.close()]);
  },
});

Deno.test({
  ...opts,
  name: "Redis killed in the middle of 10,000 queries: 0 failures, and L2 is used again once it is back",
  async fn() {
    const r2 = await startRedis();
    const nodes = await Promise.all([instance(r2), instance(r2), instance(r2)]);
    const mix = [
      "targets of aspirin",
      "molecular weight of caffeine",
      "ligands of EGFR",
      "Is ibuprofen drug-like?",
      "compare aspirin and ibuprofen",
      "similar to imatinib",
    ];
    let failed = 0, done = 0;
    let killedAt = -1, restartedAt = -1;
    let outage: Promise<void> = Promise.resolve();
    const run = async (n: number) => {
      for (let i = n; i < 10_000; i += 50) {
        // Mostly distinct questions so the L2 and compute paths carry the load, not just L1.
        const q = `${mix[i % mix.length]}` + (i % 5 === 0 ? "" : ` #${i % 2500}`);
        const r = await nodes[i % 3].agent.query({ query: q });
        if (
          !(r.status === "success" || (r.error && r.error.code !== "internal" && r.error.code !== "timeout"))
        ) failed++;
        done++;
        if (done === 3000) {
          killedAt = done;
          outage = r2.stop();
        }
        if (done === 6000) {
          restartedAt = done;
          outage = outage.then(() => r2.restart());
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, n) => run(n)));
    await outage;
    console.log(
      `10,000 queries, Redis killed at #${killedAt}, restarted at #${restartedAt}, failed: ${failed}`,
    );
    assert.equal(done, 10_000);
    assert.equal(failed, 0);
    assert.equal(killedAt, 3000);
    // The outage was real: L2 operations failed while Redis was down, and queries still succeeded.
    assert.ok(
      nodes.reduce((s, n) => s + n.cache.stats.tiers.l2.errors, 0) > 0,
      "L2 errors observed during the outage",
    );
    // Back without restarting the instances: writes and reads reach L2 again.
    await sleep(600);
    const before = nodes[0].cache.stats.tiers.l2.sets;
    const probe = `targets of nilotinib ${crypto.randomUUID()}`;
    await nodes[0].agent.query({ query: probe });
    await sleep(300);
    if (nodes[0].cache.stats.tiers.l2.sets === before) {
      await nodes[0].agent.query({ query: probe + " again" });
    }
    assert.ok(nodes[0].cache.stats.tiers.l2.sets > before, "L2 written after recovery");
    assert.ok(nodes[0].cache.l2Healthy);
    const fromOther = await nodes[1].cache.l2!.get(cacheKey("query", probe, null, base.data.version));
    assert.ok(fromOther, "the entry is in the recovered Redis, visible to another instance");
    await Promise.all(nodes.map((n) => n.cache.close()));
    await r2.stop();
  },
});

Deno.test({
  ...opts,
  name: "hit ratio ≥ 80% on a replayed Zipf workload of common questions",
  async fn() {
    const nodes = await Promise.all([instance(redis), instance(redis), instance(redis)]);
    await nodes[0].cache.flush("*");
    const common =
      (JSON.parse(await Deno.readTextFile(new URL("../../data/common_queries.json", import.meta.url))) as {
        queries: string[];
      }).queries;
    // Zipf(s=1.1) over the common questions, 3,000 requests round-robin over 3 instances, deterministic seed.
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const weights = common.map((_, i) => 1 / (i + 1) ** 1.1);
    const total = weights.reduce((a, b) => a + b, 0);
    const pick = () => {
      let x = rnd() * total;
      for (let i = 0; i < weights.length; i++) if ((x -= weights[i]) <= 0) return common[i];
      return common[0];
    };
    let hits = 0;
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const r = await nodes[i % 3].agent.query({ query: pick() });
      if (r.cached) hits++;
    }
    const ratio = hits / n;
    console.log(`replayed workload hit ratio: ${(ratio * 100).toFixed(1)}% (${hits}/${n})`);
    assert.ok(ratio >= 0.8, String(ratio));
    await Promise.all(nodes.map((n) => n.cache.close()));
  },
});

Deno.test({ ...opts, name: "stop redis", fn: () => redis.stop() });
