/** Every Redis-backed feature against every topology the provider supports — one server (REDIS_URL), a Sentinel
 * set (REDIS_SENTINELS) and a Redis Cluster (REDIS_CLUSTER_NODES), all started here on free ports: the L2
 * driver contract, the cache bus, session memory, the event log, room fan-out, rate-limit buckets, metrics
 * rollups, and a whole server answering HTTP, conversations and resumed WebSocket streams. */
import assert from "node:assert/strict";
import { RedisBus, RedisTier } from "../../core/cache/mod.ts";
import { RedisSessionStore } from "../../core/memory/mod.ts";
import { createRedisProvider, type QueryEvent, RedisRollups } from "../../core/mod.ts";
import { RedisBuckets } from "../../edge/middleware/rate-limit/buckets.ts";
import { RedisEventLog } from "../../edge/ws/event_log.ts";
import { RedisRoomBus } from "../../edge/ws/room_bus.ts";
import { l2Contract } from "../l2_contract.ts";
import { lostTurns, mixedLoad, startHaServer } from "../redis_ha.ts";
import { startCluster, startRedis, startSentinelSet } from "../services.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Topology {
  name: string;
  start(): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
}

const topologies: Topology[] = [
  {
    name: "standalone",
    async start() {
      const r = await startRedis();
      return { env: { REDIS_URL: r.url }, stop: r.stop };
    },
  },
  {
    name: "sentinel",
    async start() {
      const s = await startSentinelSet();
      return { env: { REDIS_SENTINELS: s.sentinels, REDIS_SENTINEL_NAME: s.name }, stop: s.stop };
    },
  },
  {
    name: "cluster",
    async start() {
      const c = await startCluster();
      return { env: { REDIS_CLUSTER_NODES: c.nodes }, stop: c.stop };
    },
  },
];

const event = (q: string, seq: number, type = "step_started"): QueryEvent => ({
  type: type as QueryEvent["type"],
  query_id: q,
  seq,
  event_id: `${q}:${seq}`,
  data: {},
  progress: 0,
  timestamp: new Date().toISOString(),
});

for (const topo of topologies) {
  Deno.test({
    ...opts,
    name: `Redis features on ${topo.name}`,
    async fn(t) {
      const svc = await topo.start();
      const a = createRedisProvider(svc.env)!;
      const b = createRedisProvider(svc.env)!;
      try {
        assert.ok(await a.ready(5000) && await b.ready(5000));
        assert.equal(a.topology, topo.name);
        assert.equal(a.status().state, "ok");
        assert.equal(a.status().primaries.length, topo.name === "cluster" ? 3 : 1);

        await t.step("L2 driver contract", async (t) => {
          const tier = new RedisTier(a.client({ queue: false, timeoutMs: 1000 }));
          assert.ok(await tier.ready(5000));
          await l2Contract(t, tier);
        });

        await t.step("cache bus reaches the other instance", async () => {
          const got: unknown[] = [];
          const busB = new RedisBus(b.durable(), () => b.subscriber());
          await busB.subscribe((m) => got.push(m));
          const busA = new RedisBus(a.durable(), () => a.subscriber());
          const msg = { op: "evict" as const, origin: "a", keys: ["chemagent:tool:x"] };
          for (let i = 0; i < 50 && !got.length; i++) {
            await busA.publish(msg);
            await sleep(50);
          }
          assert.deepEqual(got[0], msg);
          await busB.close();
        });

        await t.step("sessions: claim, idempotent appends, read from the other instance", async () => {
          const sa = new RedisSessionStore(a, { maxExchanges: 3 });
          const sb = new RedisSessionStore(b);
          const id = `s_topo_${crypto.randomUUID().slice(0, 8)}`;
          assert.equal(await sa.claim(id, "alice"), true);
          assert.equal(await sb.claim(id, "bob"), false);
          const ex = (i: number) => ({
            question: `q${i}`,
            intent: "compound_lookup" as const,
            status: "success",
            summary: { subjects: [], results: [], targets: [] },
            at: i,
          });
          for (let i = 1; i <= 4; i++) await sa.append(id, ex(i));
          const s = await sb.get(id);
          assert.deepEqual(s?.exchanges.map((e) => e.question), ["q2", "q3", "q4"]);
          assert.equal(s?.owner, "alice");
          assert.ok(await sb.count() >= 1);
          assert.equal(await sb.delete(id), true);
          assert.equal(await sa.get(id), null);
        });

        await t.step("event log: ordered, stored once, read by the other instance", async () => {
          const la = new RedisEventLog(a);
          const lb = new RedisEventLog(b);
          const q = `q_topo_${crypto.randomUUID().slice(0, 8)}`;
          await Promise.all(
            [1, 2, 3, 3, 4, 5].map((s) => la.append(event(q, s, s === 5 ? "result" : undefined))),
          );
          assert.deepEqual((await lb.since(q, 2)).map((e) => e.seq), [3, 4, 5]);
          assert.deepEqual((await lb.since(q, 0)).map((e) => e.seq), [1, 2, 3, 4, 5]);
        });

        await t.step("room fan-out reaches the other instance", async () => {
          const busA = new RedisRoomBus(a.durable(), a.subscriber());
          const busB = new RedisRoomBus(b.durable(), b.subscriber());
          const got: [string[], QueryEvent][] = [];
          await busB.subscribe((rooms, ev) => got.push([rooms, ev]));
          for (let i = 0; i < 50 && !got.length; i++) {
            busA.publish(["query:q1"], event("q1", i + 1));
            await sleep(50);
          }
          assert.deepEqual(got[0][0], ["query:q1"]);
          await Promise.all([busA.close(), busB.close()]);
        });

        await t.step("rate-limit buckets in several slots sync in one go", async () => {
          const errors: unknown[] = [];
          const buckets = new RedisBuckets(a.client({ queue: false, timeoutMs: 1000 }), {
            prefix: `chemagent:ratelimit:topo:${crypto.randomUUID().slice(0, 6)}:`,
            onError: (e) => errors.push(e),
          });
          for (const user of ["u1", "u2", "u3", "u4"]) for (let i = 0; i < 3; i++) buckets.take(user, 1, 5);
          await buckets.sync();
          assert.deepEqual(errors, []);
          // 3 of 5 tokens spent in Redis: 2 left (plus a little refill), and the next takes are allowed.
          assert.equal(buckets.take("u1", 1, 5), 0);
        });

        await t.step("metrics rollups: minute and hour hashes from two instances", async () => {
          const minute = Math.floor(Date.now() / 60_000) * 60_000 - 7 * 86_400_000;
          const agg = { count: 2, errors: 0, userErrors: 0, cached: 1, sumMs: 30, hist: [2] };
          await new RedisRollups(a.durable()).add(minute, "http", "compound_lookup", "success", agg);
          await new RedisRollups(b.durable()).add(minute, "http", "compound_lookup", "success", agg);
          const rows = await new RedisRollups(a.durable()).rows(minute, minute + 60_000);
          assert.equal(rows.find((r) => r.intent === "compound_lookup")?.count, 4);
        });

        await t.step("a whole server: HTTP, conversations, resumed WebSocket streams", async () => {
          const s1 = await startHaServer(svc.env);
          const s2 = await startHaServer(svc.env);
          try {
            const r = await mixedLoad(s1, s2, sleep(1500), { workers: 2, sessions: 2, streams: 2 });
            assert.equal(r.failed, 0, r.errors.slice(0, 3).join("\n"));
            assert.deepEqual(r.badStreams, []);
            assert.equal(await lostTurns(s2.app, r.turnsAcked), 0);
            assert.ok(r.turnsAcked.size > 0 && r.streams > 0);
            const ready = await (await fetch(`${s1.http}/ready`)).json();
            assert.equal(ready.redis.topology, topo.name);
            assert.equal(ready.redis.state, "ok");
            const metrics = await (await fetch(`${s1.http}/metrics`)).text();
            assert.match(metrics, new RegExp(`chemagent_redis_up\\{topology="${topo.name}"\\} 1`));
            assert.match(metrics, /chemagent_redis_wait_timeouts_total/);
          } finally {
            await Promise.all([s1.close(), s2.close()]);
          }
        });
      } finally {
        await Promise.all([a.close(), b.close()]);
        await svc.stop();
      }
    },
  });
}
