/** Cost of the HTTP rate limit on the cached path: cached POST /api/query through the whole app with the limiter
 * on (in-process buckets) vs off, in one process. This is a shared VM whose CPU is taken away in bursts, so
 * instances run in short alternating batches and the result is the median of the per-round on/off ratios.
 * Deno.serve's socket work (the same for both) is left out, so the relative cost here is an upper bound of the
 * cost over HTTP. Redis-shared buckets (local decision, spent tokens synced in the background) are measured
 * after it the same way. */
import {
  Agent,
  createCacheStack,
  createChemPool,
  createRedisClient,
  embeddedSource,
  loadConfig,
} from "../core/mod.ts";
import { Hono } from "hono";
import { createApp } from "../edge/app.ts";
import {
  MemoryBuckets,
  rateLimit,
  type RateLimitOptions,
  RedisBuckets,
} from "../edge/middleware/rate-limit/index.ts";
import { fmt, percentile } from "./lib.ts";

const BODY = JSON.stringify({ query: "What are the targets of imatinib?" });
// Not loopback, so the limiter really counts (loopback is exempt by default).
const CLIENT = { remoteAddr: { hostname: "10.1.2.3", port: 40000, transport: "tcp" } };
// Buckets far larger than the run: every request is counted, none refused.
const HUGE = { rate: 1e6, burst: 1e9 };

type App = ReturnType<typeof createApp>;

async function hit(app: App) {
  const res = await app.fetch(
    new Request("http://bench/api/query", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: BODY,
    }),
    CLIENT,
  );
  if (res.status !== 200) throw new Error(`bench request answered ${res.status}`);
  await res.arrayBuffer();
}

async function timeBatch(app: App, n: number): Promise<number> {
  const t = performance.now();
  for (let j = 0; j < n; j++) await hit(app);
  return performance.now() - t;
}

export async function benchRateLimit(rounds = 120, batch = 250): Promise<string[]> {
  const config = loadConfig({ CACHE_WARM: "false", LOG_LEVEL: "warn" });
  const [data, chem] = await Promise.all([embeddedSource().load(), createChemPool()]);
  const closers: (() => Promise<void>)[] = [() => Promise.resolve(chem.close())];
  const build = async (limit?: RateLimitOptions) => {
    const stack = await createCacheStack(config);
    closers.push(() => stack.cache.close());
    const agent = new Agent(data, chem, { cache: stack.cache });
    return createApp({ agent, config, ...(limit ? { rateLimit: limit } : {}) });
  };
  // Built off-on-on-off: the order of construction shifts an instance's speed by a few percent (shared JIT
  // feedback), so each mode gets one early and one late instance.
  const apps = [
    await build(),
    await build({ ...HUGE, store: new MemoryBuckets() }),
    await build({ ...HUGE, store: new MemoryBuckets() }),
    await build(),
  ];
  const on = [1, 2], off = [0, 3];
  for (let i = 0; i < 2_000; i++) for (const a of apps) await hit(a); // fill caches, warm the JIT
  const ratios: number[] = [];
  const total = [0, 0, 0, 0];
  for (let r = 0; r < rounds; r++) {
    const spent = [0, 0, 0, 0];
    for (let k = 0; k < apps.length; k++) {
      const i = (k + r) % apps.length; // rotate who goes first
      spent[i] = await timeBatch(apps[i], batch);
      total[i] += spent[i];
    }
    ratios.push((spent[on[0]] + spent[on[1]]) / (spent[off[0]] + spent[off[1]]));
  }
  const per = (ids: number[]) =>
    ((ids.reduce((a, i) => a + total[i], 0) / ids.length) / (rounds * batch)) * 1000;
  const ratio = percentile(ratios, 50);
  const lines = [
    `cached POST /api/query in process: limiter off ${fmt(per(off), 1)} µs/request, on (in-process buckets) ${
      fmt(per(on), 1)
    } µs/request; median per-round on/off ratio ${fmt(ratio, 3)} (${
      fmt((ratio - 1) * 100, 1)
    }% cost; p25–p75 ${fmt(percentile(ratios, 25), 3)}–${
      fmt(percentile(ratios, 75), 3)
    }, ${rounds} rounds × ${batch} requests per instance)  [target ≤ 2%]`,
  ];

  // The limiter's own cost, isolated: a bare Hono app with and without it (alternating batches).
  const bare = (limit: boolean) => {
    const app = new Hono();
    // One middleware in both, as in the real app: a single handler would skip Hono's compose() entirely.
    app.use("*", (_c, next) => next());
    if (limit) app.use("/api/*", rateLimit({ ...HUGE, store: new MemoryBuckets() }));
    return app.post("/api/query", (c) => c.body(null, 200));
  };
  const small = [bare(false), bare(true), bare(true), bare(false)] as unknown as App[];
  for (let i = 0; i < 5_000; i++) for (const a of small) await hit(a);
  const diffs: number[] = [];
  for (let r = 0; r < rounds * 2; r++) {
    const spent = [0, 0, 0, 0];
    for (let k = 0; k < small.length; k++) {
      const i = (k + r) % small.length;
      spent[i] = await timeBatch(small[i], batch * 2);
    }
    diffs.push(((spent[1] + spent[2] - spent[0] - spent[3]) / (2 * batch * 2)) * 1000);
  }
  const own = percentile(diffs, 50);
  lines.push(
    `  the limiter's own work (bare Hono app with vs without it, median of ${diffs.length} rounds): ${
      fmt(own, 2)
    } µs/request = ${fmt((own / per(off)) * 100, 2)}% of a cached POST /api/query (${
      fmt(per(off), 1)
    } µs)  [target ≤ 2%]`,
  );

  // Redis-shared buckets: decided locally, spent tokens synced in the background (no round trip per request).
  const redisUrl = Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379";
  const redis = createRedisClient({ url: redisUrl, offlineQueue: false, commandTimeoutMs: 100 });
  redis.on("error", () => {});
  const up = await new Promise<boolean>((r) => {
    redis.once("ready", () => r(true));
    setTimeout(() => r(false), 1000);
  });
  if (up) {
    const shared = await build({ ...HUGE, store: new RedisBuckets(redis) });
    for (let i = 0; i < 2_000; i++) await hit(shared);
    const shares: number[] = [];
    for (let r = 0; r < 40; r++) {
      const first = r % 2 === 0;
      const x = first ? await timeBatch(shared, batch) : 0;
      const o = await timeBatch(apps[off[r % 2]], batch);
      const y = first ? x : await timeBatch(shared, batch);
      shares.push(y / o);
    }
    const ratio = percentile(shares, 50);
    lines.push(
      `  with Redis-shared buckets (decided locally, synced every 20 ms): median on/off ratio ${
        fmt(ratio, 3)
      } (${fmt((ratio - 1) * 100, 1)}% cost; p25–p75 ${fmt(percentile(shares, 25), 3)}–${
        fmt(percentile(shares, 75), 3)
      })`,
    );
  } else {
    lines.push(`  (Redis at ${redisUrl} not reachable: Redis-shared buckets not measured)`);
  }
  redis.disconnect();
  for (const c of closers) await c();
  return lines;
}

if (import.meta.main) { for (const l of await benchRateLimit()) console.log(l); }
