/** Redis high availability for real: whole servers on a Sentinel set (1 primary + 2 replicas + 3 sentinels)
 * and on a Redis Cluster (3 primaries + 3 replicas), processes started here on free ports. Under mixed load
 * (HTTP questions, conversations, WebSocket streams resumed on the other instance) the primary is killed:
 * 0 failed user requests, 0 lost acknowledged session turns, every WebSocket event delivered exactly once.
 * On the cluster, a live slot migration (redis-cli --cluster reshard) under the same load fails nothing. */
import assert from "node:assert/strict";
import { type HaServer, lostTurns, mixedLoad, startHaServer } from "../redis_ha.ts";
import { startCluster, startSentinelSet } from "../services.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function withServers(env: Record<string, string>, fn: (a: HaServer, b: HaServer) => Promise<void>) {
  const a = await startHaServer(env);
  const b = await startHaServer(env);
  try {
    await fn(a, b);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function check(label: string, r: Awaited<ReturnType<typeof mixedLoad>>, lost: number, extra: string) {
  const turns = [...r.turnsAcked.values()].reduce((x, y) => x + y, 0);
  console.log(
    `${label}: ${r.requests} requests (${turns} session turns acked, ${r.unsaved} answered "not saved", ` +
      `${r.streams} resumed streams), ` +
      `failed ${r.failed}, lost turns ${lost}, bad streams ${r.badStreams.length}, slowest request ${
        Math.round(r.slowestMs)
      } ms; ${extra}`,
  );
  assert.equal(r.failed, 0, r.errors.slice(0, 5).join("\n"));
  assert.equal(lost, 0);
  assert.deepEqual(r.badStreams, []);
  // The load ran (modest floors: the machine may be busy with other suites).
  assert.ok(r.requests >= 10 && turns >= 2 && r.streams >= 1, "the load ran");
}

Deno.test({
  ...opts,
  name: "Sentinel: the primary is killed under mixed load; a replica takes over, nothing fails or is lost",
  async fn() {
    const set = await startSentinelSet();
    try {
      await withServers({ REDIS_SENTINELS: set.sentinels, REDIS_SENTINEL_NAME: set.name }, async (a, b) => {
        let t0 = 0, recovered = 0, old = 0, now = 0;
        const failover = (async () => {
          await sleep(1500);
          t0 = performance.now();
          old = await set.killPrimary();
          now = await set.waitFailover(old);
          recovered = performance.now() - t0;
          await sleep(2000); // load keeps running on the new primary
        })();
        const r = await mixedLoad(a, b, failover);
        await sleep(500);
        const lost = await lostTurns(b.app, r.turnsAcked);
        const st = a.app.redis!.status();
        check(
          "sentinel failover",
          r,
          lost,
          `primary :${old} → :${now} in ${Math.round(recovered)} ms (sentinel), client-side incident ${
            st.last_recovery_ms ?? "n/a"
          } ms, ${st.retries} retries, ${st.wait_timeouts} WAIT timeouts`,
        );
        assert.notEqual(now, old);
        assert.equal(a.app.redis!.status().state, "ok");
      });
    } finally {
      await set.stop();
    }
  },
});

Deno.test({
  ...opts,
  name: "Cluster: a primary is killed, then slots migrate, under mixed load; nothing fails or is lost",
  async fn() {
    const cluster = await startCluster();
    try {
      await withServers({ REDIS_CLUSTER_NODES: cluster.nodes }, async (a, b) => {
        let recovered = 0, reshardMs = 0;
        let killed = 0, promoted = 0;
        const chaos = (async () => {
          await sleep(1500);
          const t0 = performance.now();
          const victim = await cluster.killPrimary();
          killed = victim.port;
          promoted = (await cluster.waitFailover(victim)).port;
          recovered = performance.now() - t0;
          await sleep(1500);
          const masters = (await cluster.topology()).filter((n) => n.role === "master" && n.slots > 0);
          const t1 = performance.now();
          await cluster.reshard(masters[0], masters[1], 200);
          reshardMs = performance.now() - t1;
          await sleep(1500);
        })();
        const r = await mixedLoad(a, b, chaos);
        await sleep(500);
        const lost = await lostTurns(b.app, r.turnsAcked);
        const st = a.app.redis!.status();
        check(
          "cluster failover + reshard",
          r,
          lost,
          `primary :${killed} → replica :${promoted} in ${Math.round(recovered)} ms, 200 slots resharded in ${
            Math.round(reshardMs)
          } ms, ${st.retries} retries, ${st.wait_timeouts} WAIT timeouts`,
        );
      });
    } finally {
      await cluster.stop();
    }
  },
});
