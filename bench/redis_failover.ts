/** @module Failover time as clients see it, for Sentinel (1 primary + 2 replicas + 3 sentinels) and Cluster
 * (3 + 3), processes started here on free ports: the primary is SIGKILLed while two clients of one provider
 * write every 10 ms — a fail-fast connection (the cache's: no queue, errors surface) and the durable path
 * (sessions, event log: queued, retried, WAIT). Printed: first error → first success on the new primary for
 * the fail-fast client (to the first success after its last error), and the longest stall (and failures:
 * must be 0) of the durable writes, in one run. */
import { createRedisProvider } from "../core/mod.ts";
import { startCluster, startSentinelSet } from "../tests/services.ts";
import { fmt } from "./lib.ts";

interface Run {
  topology: string;
  promotedMs: number;
  firstErrorToSuccessMs: number;
  fastErrors: number;
  durableMaxStallMs: number;
  durableFailed: number;
  durableWrites: number;
}

async function measure(
  topology: string,
  env: Record<string, string>,
  kill: () => Promise<() => Promise<unknown>>,
): Promise<Run> {
  const p = createRedisProvider(env)!;
  await p.ready(5000);
  const fast = p.client({ queue: false, timeoutMs: 300 });
  let stop = false;
  let firstError = 0, recoveredAt = 0, fastErrors = 0;
  const fastLoop = (async () => {
    for (let i = 0; !stop; i++) {
      try {
        await fast.set(`chemagent:bench:failover:fast:${i % 64}`, String(i), "PX", 60_000);
        if (firstError && !recoveredAt) recoveredAt = performance.now();
      } catch {
        fastErrors++;
        firstError ||= performance.now();
        recoveredAt = 0; // an error after a success: the outage is not over (first success after the last error)
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  let maxStall = 0, failed = 0, writes = 0;
  const durableLoop = (async () => {
    for (let i = 0; !stop; i++) {
      const t0 = performance.now();
      try {
        const key = `chemagent:bench:failover:durable:{${i % 64}}`;
        await p.write(key, (pl) => pl.set(key, String(i), "PX", 60_000));
        writes++;
      } catch {
        failed++;
      }
      maxStall = Math.max(maxStall, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  await new Promise((r) => setTimeout(r, 1000));
  const t0 = performance.now();
  const promoted = await kill();
  await promoted();
  const promotedMs = performance.now() - t0;
  // Keep going until the fail-fast client is back and stays up for 2 s.
  for (let i = 0; i < 300 && (!recoveredAt || performance.now() - recoveredAt < 2000); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  stop = true;
  await Promise.all([fastLoop, durableLoop]);
  await p.close();
  return {
    topology,
    promotedMs,
    firstErrorToSuccessMs: firstError && recoveredAt ? recoveredAt - firstError : 0,
    fastErrors,
    durableMaxStallMs: maxStall,
    durableFailed: failed,
    durableWrites: writes,
  };
}

export async function benchRedisFailover(): Promise<string[]> {
  const runs: Run[] = [];
  const set = await startSentinelSet();
  try {
    runs.push(
      await measure(
        "sentinel",
        { REDIS_SENTINELS: set.sentinels, REDIS_SENTINEL_NAME: set.name },
        async () => {
          const old = await set.killPrimary();
          return () => set.waitFailover(old);
        },
      ),
    );
  } finally {
    await set.stop();
  }
  const cluster = await startCluster();
  try {
    runs.push(
      await measure("cluster", { REDIS_CLUSTER_NODES: cluster.nodes }, async () => {
        // The shard of the fail-fast client's first key, so that client sees the failover.
        const victim = await cluster.killPrimary();
        return () => cluster.waitFailover(victim);
      }),
    );
  } finally {
    await cluster.stop();
  }
  return [
    "Primary SIGKILLed under writes every 10 ms (down-after / node-timeout 1 s):",
    ...runs.map((r) =>
      `${r.topology.padEnd(8)} promoted in ${fmt(r.promotedMs)} ms; fail-fast client: first error → first ` +
      `success ${
        fmt(r.firstErrorToSuccessMs)
      } ms (${r.fastErrors} errors); durable writes: ${r.durableWrites} ok, ` +
      `${r.durableFailed} failed, longest stall ${fmt(r.durableMaxStallMs)} ms (${
        r.firstErrorToSuccessMs ? (r.durableMaxStallMs / r.firstErrorToSuccessMs).toFixed(2) : "n/a"
      }× the fail-fast outage)`
    ),
  ];
}

if (import.meta.main) {
  for (const l of await benchRedisFailover()) console.log(l);
  Deno.exit(0);
}
