/** HTTP rate limit over real sockets: token bucket per user / per address, 429 + Retry-After, shared through a
 * real Redis by two instances, fail-open when Redis is down, loopback exempt unless configured. */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { createRedisClient } from "../../core/cache/mod.ts";
import { createApp } from "../../edge/app.ts";
import {
  MemoryBuckets,
  type RateLimitOptions,
  RedisBuckets,
} from "../../edge/middleware/rate-limit/index.ts";
import { createVerifier } from "../../edge/ws/auth.ts";
import { testAgent } from "../helpers.ts";
import { startRedis } from "../services.ts";
import { startServerProcess } from "../../bench/lib.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const SECRET = "rate-limit-test-secret".padEnd(40, "x");

async function serve(rateLimit: RateLimitOptions, auth = false) {
  const agent = await testAgent();
  const verifier = auth ? createVerifier({ required: false, secret: SECRET }) : undefined;
  const app = createApp({
    agent,
    config: { CHEMAGENT_MAX_BODY_BYTES: 65536, corsOrigins: ["*"] },
    rateLimit,
    ...(verifier ? { auth: { verifier, required: false } } : {}),
    onUnexpected: () => {},
  });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  return { url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`, close: () => server.shutdown() };
}

async function hit(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const body = await res.json().catch(() => ({}));
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body };
}

const statuses = async (n: number, url: string, headers: Record<string, string> = {}) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await hit(url, headers)).status);
  return out;
};

Deno.test({
  name: "past the burst a client gets 429 rate_limited with Retry-After; /health is never limited",
  ...opts,
  async fn() {
    const s = await serve({ rate: 0.5, burst: 3, limitLoopback: true });
    try {
      assert.deepEqual(await statuses(3, s.url + "/api/compounds/CHEMBL25"), [200, 200, 200]);
      const limited = await hit(s.url + "/api/compounds/CHEMBL25");
      assert.equal(limited.status, 429);
      assert.equal(limited.body.success, false);
      assert.equal(limited.body.error.code, "rate_limited");
      assert.equal(limited.retryAfter, "2"); // one token at 0.5/s
      assert.equal(limited.body.error.details.retry_after, 2);
      assert.deepEqual(await statuses(5, s.url + "/health"), [200, 200, 200, 200, 200]);
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name:
    "buckets are per user when authenticated and per client address otherwise (X-Forwarded-For when trusted)",
  ...opts,
  async fn() {
    const s = await serve({ rate: 0.1, burst: 2, limitLoopback: true, trustProxy: true }, true);
    const key = new TextEncoder().encode(SECRET);
    const token = (sub: string) =>
      new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setExpirationTime("1h").sign(key);
    try {
      const alice = { authorization: `Bearer ${await token("alice")}` };
      const bob = { authorization: `Bearer ${await token("bob")}` };
      const url = s.url + "/api/compounds/CHEMBL25";
      // Alice's bucket follows her token whatever address she comes from.
      assert.deepEqual(await statuses(3, url, { ...alice, "x-forwarded-for": "10.0.0.1" }), [200, 200, 429]);
      assert.equal((await hit(url, { ...alice, "x-forwarded-for": "10.0.0.2" })).status, 429);
      assert.deepEqual(await statuses(2, url, bob), [200, 200]);
      // Anonymous clients by address: the last hop (what our proxy saw), not what the client claims first.
      assert.deepEqual(await statuses(3, url, { "x-forwarded-for": "1.2.3.4" }), [200, 200, 429]);
      assert.equal((await hit(url, { "x-forwarded-for": "9.9.9.9, 1.2.3.4" })).status, 429);
      assert.deepEqual(await statuses(2, url, { "x-forwarded-for": "1.2.3.4, 5.6.7.8" }), [200, 200]);
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name: "loopback clients are not limited unless configured",
  ...opts,
  async fn() {
    const s = await serve({ rate: 0.1, burst: 2 });
    try {
      assert.ok((await statuses(6, s.url + "/api/compounds/CHEMBL25")).every((x) => x === 200));
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name:
    "two instances share one bucket through Redis (synced in the background); with Redis down requests pass (fail-open), reported",
  ...opts,
  async fn() {
    const redis = await startRedis();
    const clients = [0, 1].map(() =>
      createRedisClient({ url: redis.url, offlineQueue: false, commandTimeoutMs: 100 })
    );
    for (const c of clients) c.on("error", () => {});
    await Promise.all(clients.map((c) => c.status === "ready" ? 0 : new Promise((r) => c.once("ready", r))));
    const errors: unknown[] = [];
    // A long sync interval: the test syncs by hand, so what it checks does not depend on timing.
    const stores = clients.map((c) =>
      new RedisBuckets(c, { syncMs: 60_000, onError: (e) => errors.push(e) })
    );
    const mk = (i: number) =>
      serve({ rate: 0.1, burst: 4, limitLoopback: true, trustProxy: true, store: stores[i] });
    const [a, b] = await Promise.all([mk(0), mk(1)]);
    const sync = () => Promise.all(stores.map((s) => s.sync()));
    try {
      const path = "/api/compounds/CHEMBL25";
      const from = (ip: string) => ({ "x-forwarded-for": ip });
      const client = from("10.0.0.1");
      assert.deepEqual(await statuses(2, a.url + path, client), [200, 200]);
      await stores[0].sync(); // Redis: 2 of 4 left
      assert.deepEqual(await statuses(2, b.url + path, client), [200, 200]);
      await stores[1].sync(); // Redis: 0 left, and B now knows
      // B let only 2 through itself, yet refuses: the bucket is shared.
      assert.equal((await hit(b.url + path, client)).status, 429);
      // A decides from its last view (2 left) until its next sync: the bounded overshoot of background syncing.
      assert.deepEqual(await statuses(2, a.url + path, client), [200, 200]);
      await stores[0].sync(); // Redis: in debt by 2
      assert.equal((await hit(a.url + path, client)).status, 429);
      assert.equal((await hit(b.url + path, client)).status, 429);
      assert.equal(errors.length, 0);
      // Without a manual sync, the timer spends the tokens in Redis within the interval.
      const timed = new RedisBuckets(clients[0], { syncMs: 10 });
      assert.equal(timed.take("timer-check", 1, 5), 0);
      await new Promise((r) => setTimeout(r, 150));
      const left = Number(await clients[0].hget("chemagent:ratelimit:timer-check", "tokens"));
      assert.ok(left >= 4 && left < 4.5, `tokens in Redis: ${left}`);

      await redis.stop();
      const open = [];
      for (let i = 0; i < 8; i++) {
        open.push((await hit(a.url + path, from("10.0.0.2"))).status);
        await sync(); // fails: the local view is dropped rather than left blocking
      }
      assert.deepEqual(open, Array(8).fill(200), "burst 4, yet 8 pass: the limiter failed open");
      assert.ok(errors.length >= 1, "the store failure was reported");
    } finally {
      await Promise.all([a.close(), b.close()]);
      for (const c of clients) c.disconnect();
      await redis.stop();
    }
  },
});

Deno.test("in-process buckets refill at the configured rate and stay bounded in keys", () => {
  const b = new MemoryBuckets(100);
  assert.equal(b.take("k", 1000, 1), 0);
  assert.ok(b.take("k", 1000, 1) > 0);
  for (let i = 0; i < 1000; i++) b.take(`key${i}`, 1, 1);
  // The oldest keys were dropped: "k" starts with a full bucket again.
  assert.equal(b.take("k", 1000, 1), 0);
});

Deno.test("a token given back (a fast-path take whose hit turned out a miss) is taken once, never beyond the burst", () => {
  const b = new MemoryBuckets();
  assert.equal(b.take("r", 0.001, 2), 0);
  b.refund("r", 2);
  assert.equal(b.take("r", 0.001, 2), 0);
  assert.equal(b.take("r", 0.001, 2), 0);
  assert.ok(b.take("r", 0.001, 2) > 0, "two tokens, two requests");
  b.refund("r", 2);
  b.refund("r", 2);
  b.refund("r", 2);
  assert.equal(b.take("r", 0.001, 2), 0);
  assert.equal(b.take("r", 0.001, 2), 0);
  assert.ok(b.take("r", 0.001, 2) > 0, "refunds never raise a bucket past its burst");
});

Deno.test({
  name:
    "main.ts with REDIS_URL and RATE_LIMIT_*: the configured limit applies through Redis from start-up on",
  ...opts,
  async fn() {
    const redis = await startRedis();
    const server = await startServerProcess({
      REDIS_URL: redis.url,
      RATE_LIMIT_LOOPBACK: "true",
      RATE_LIMIT_BURST: "5",
      RATE_LIMIT_RPS: "0.5",
      MEMORY_SQLITE_PATH: ":memory:",
      METRICS_DB_PATH: ":memory:",
      CACHE_WARM: "false",
    });
    try {
      const got: number[] = [];
      for (let i = 0; i < 12; i++) {
        got.push((await hit(server.url + "/api/compounds/CHEMBL25")).status);
        await new Promise((r) => setTimeout(r, 30)); // let the 20 ms background sync run
      }
      assert.deepEqual(got.slice(0, 5), [200, 200, 200, 200, 200], got.join(" "));
      assert.ok(got.slice(5).filter((x) => x === 429).length >= 5, got.join(" "));
      const shared = await new Deno.Command("redis-cli", {
        args: ["-p", String(redis.port), "--scan", "--pattern", "chemagent:ratelimit:*"],
        stdout: "piped",
      }).output();
      assert.match(new TextDecoder().decode(shared.stdout), /chemagent:ratelimit:a:127\.0\.0\.1/);
    } finally {
      await server.stop();
      await redis.stop();
    }
  },
});
