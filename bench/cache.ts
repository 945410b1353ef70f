/** Cache benchmarks: L1 get throughput, cached/L2-only /api/query vs /health, and warming's effect on p50. */
import { cacheKey, createRedisClient, LayeredCache, RedisBus, RedisTier } from "../core/mod.ts";
import { fmt, loadTest, percentile, startServerProcess } from "./lib.ts";

export async function benchCache(seconds = 5): Promise<string[]> {
  const lines: string[] = [];
  // Raw orchestrator L1 hit throughput (same measurement as BentoCache's L1 get/s in docs/cache.md).
  const l1 = new LayeredCache();
  const key = cacheKey("bench", "k");
  await l1.set(key, { v: 1 });
  const t0 = performance.now();
  for (let i = 0; i < 200_000; i++) await l1.getOrCompute(key, () => Promise.resolve({ v: 2 }));
  lines.push(`LayeredCache L1 hit: ${fmt(200_000 / ((performance.now() - t0) / 1000), 0)} get/s`);

  // Cross-instance stampede with a real Redis (when reachable at 127.0.0.1:6379).
  const client = createRedisClient({ url: "redis://127.0.0.1:6379" });
  client.on("error", () => {});
  const tier = new RedisTier(client);
  if (await tier.ready(1000)) {
    const nodes = [0, 1, 2].map(() => {
      const c = createRedisClient({ url: "redis://127.0.0.1:6379" });
      const t = new RedisTier(c);
      return new LayeredCache({
        l2: t,
        lock: t,
        bus: new RedisBus(c, () => createRedisClient({ url: "redis://127.0.0.1:6379", offlineQueue: true })),
      });
    });
    for (const n of nodes) await n.start();
    await Promise.all(nodes.map((n) => (n.l2 as RedisTier).ready(1000)));
    let computations = 0;
    const k = cacheKey("bench", crypto.randomUUID());
    const ts = performance.now();
    await Promise.all(Array.from({ length: 1000 }, (_, i) =>
      nodes[i % 3].getOrCompute(k, async () => {
        computations++;
        await new Promise((r) => setTimeout(r, 50));
        return 42;
      })));
    lines.push(
      `1,000 concurrent identical misses over 3 instances: ${computations} computation(s), ${
        fmt(performance.now() - ts, 0)
      } ms`,
    );
    // Cross-instance L1 eviction: an invalidation on one node until the key is gone from the others' L1
    // (the integration test checks only that it happens).
    const evictMs: number[] = [];
    for (let round = 0; round < 20; round++) {
      const ek = cacheKey("bench", crypto.randomUUID());
      const tag = `bench:${round}`;
      for (const n of nodes) await n.getOrCompute(ek, () => Promise.resolve(round), { tags: [tag] });
      const te = performance.now();
      await nodes[0].invalidateTags([tag]);
      while (nodes.slice(1).some((n) => n.l1.get(ek)) && performance.now() - te < 5000) {
        await new Promise((r) => setTimeout(r, 0));
      }
      evictMs.push(performance.now() - te);
    }
    lines.push(
      `cross-instance L1 eviction (Redis pub/sub, 20 rounds): p50 ${fmt(percentile(evictMs, 50))} ms, max ${
        fmt(Math.max(...evictMs))
      } ms`,
    );
    for (const n of nodes) await n.close();
  } else lines.push("Redis not reachable on 127.0.0.1:6379: cross-instance benchmarks skipped");
  await tier.close();

  // HTTP: cached query (L1 path) vs bare /health on the same server.
  const server = await startServerProcess(
    { CACHE_WARM: "false", REDIS_URL: "redis://127.0.0.1:6379" },
    "indices",
  );
  try {
    const q = JSON.stringify({ query: "What are the targets of imatinib?" });
    await fetch(server.url + "/api/query", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: q,
    }).then((r) => r.arrayBuffer());
    const health = await loadTest(server.url + "/health", { seconds });
    const cached = await loadTest(server.url + "/api/query", { seconds, body: q });
    const getUrl = server.url + "/api/query?q=" + encodeURIComponent("What are the targets of imatinib?");
    const cachedGet = await loadTest(getUrl, { seconds });
    lines.push(
      `GET /api/query?q= L1 hit ${fmt(cachedGet.rps, 0)} req/s (p50 ${
        fmt(cachedGet.p50 ?? 0)
      } ms) vs GET /health ${fmt(health.rps, 0)} req/s (${health.tool}) → ratio ${
        fmt(cachedGet.rps / health.rps)
      }  [target ≥ 0.50]`,
    );
    lines.push(
      `POST /api/query L1 hit ${fmt(cached.rps, 0)} req/s (p50 ${
        fmt(cached.p50 ?? 0)
      } ms) → ratio vs /health ${
        fmt(cached.rps / health.rps)
      } (POST bodies cost Deno.serve a body read per request)`,
    );
  } finally {
    await server.stop();
  }
  // L2-only hit path: L1 holds at most 10 entries, 400 distinct questions rotate through L2.
  const l2server = await startServerProcess({
    CACHE_WARM: "false",
    REDIS_URL: "redis://127.0.0.1:6379",
    CACHE_L1_MAX_ENTRIES: "10",
  }, "indices");
  try {
    const qs = Array.from({ length: 400 }, (_, i) => JSON.stringify({ query: `targets of aspirin #${i}` }));
    for (const q of qs) {
      await fetch(l2server.url + "/api/query", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: q,
      }).then((r) => r.arrayBuffer());
    }
    let i = 0;
    const lat: number[] = [];
    const end = performance.now() + seconds * 1000;
    let n = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const r = await fetch(l2server.url + "/api/query", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: qs[i++ % qs.length],
        });
        await r.arrayBuffer();
        lat.push(performance.now() - t);
        n++;
      }
    }));
    const stats = await (await fetch(l2server.url + "/api/cache/stats")).json();
    lines.push(
      `POST /api/query L2-only hits ${fmt(n / seconds, 0)} req/s, p50 ${
        fmt(percentile(lat, 50))
      } ms (l2 hits ${stats.result.tiers.l2.hits}, l1 hit ratio ${stats.result.tiers.l1.hit_ratio})`,
    );
  } finally {
    await l2server.stop();
  }

  // Warming: p50 of the first 100 common questions after a cold start, without and with warming.
  const common =
    (JSON.parse(await Deno.readTextFile(new URL("../data/common_queries.json", import.meta.url))) as {
      queries: string[];
    }).queries.slice(0, 100);
  const p50For = async (warm: boolean) => {
    // L1 only (no shared state between the two runs); wait until start-up work is done in both cases.
    const s = await startServerProcess({ CACHE_WARM: String(warm) }, warm ? "warmed" : "indices");
    try {
      const lat: number[] = [];
      for (const q of common) {
        const t = performance.now();
        const r = await fetch(s.url + "/api/query", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: q }),
        });
        await r.arrayBuffer();
        lat.push(performance.now() - t);
      }
      return percentile(lat, 50);
    } finally {
      await s.stop();
    }
  };
  const cold = await p50For(false);
  const warm = await p50For(true);
  lines.push(
    `first 100 common questions after a cold start: p50 ${fmt(cold)} ms without warming, ${
      fmt(warm)
    } ms with → ${fmt((1 - warm / cold) * 100, 1)}% reduction  [target ≥ 90%]`,
  );
  return lines;
}

if (import.meta.main) {
  for (const l of await benchCache(Number(Deno.env.get("BENCH_SECONDS") ?? 5))) console.log(l);
}
