/** @module Builds the cache stack the configuration asks for: L1 always; L2 = Redis, Upstash or disk. */
import type { Config } from "../config.ts";
import { DiskTier } from "./drivers/disk.ts";
import { RedisBus, RedisTier } from "./drivers/redis.ts";
import { createRedisProvider, type RedisConfig, type RedisProvider } from "../redis/mod.ts";
import { UpstashTier } from "./drivers/upstash.ts";
import { type QueryFrequency, RedisFrequency } from "./frequency.ts";
import { LayeredCache } from "./layered.ts";
import type { CacheBus, DistributedLock, L2Driver } from "./types.ts";

type CacheConfig =
  & Partial<RedisConfig>
  & Pick<
    Config,
    | "UPSTASH_REDIS_REST_URL"
    | "UPSTASH_REDIS_REST_TOKEN"
    | "CACHE_TTL_S"
    | "CACHE_L1_TTL_S"
    | "CACHE_GRACE_S"
    | "CACHE_L1_MAX_ENTRIES"
    | "CACHE_L1_MAX_MB"
    | "CACHE_DISK_DIR"
    | "CACHE_DISK_MAX_MB"
    | "CACHE_L2_TIMEOUT_MS"
  >;

export interface CacheStack {
  cache: LayeredCache;
  frequency?: QueryFrequency;
  describe: string;
}

export async function createCacheStack(
  c: CacheConfig,
  log?: (level: "warn" | "info", msg: string, fields?: Record<string, unknown>) => void,
  /** The process' Redis provider (built from `c` when not given). */
  redis: RedisProvider | undefined = createRedisProvider(c, log),
): Promise<CacheStack> {
  let l2: L2Driver | undefined;
  let lock: DistributedLock | undefined;
  let bus: CacheBus | undefined;
  let frequency: QueryFrequency | undefined;
  let describe = "L1 memory";
  if (redis) {
    // Fail-fast connection: no offline queue, bounded command time; a Redis outage degrades to L1.
    const client = redis.client({ queue: false, timeoutMs: c.CACHE_L2_TIMEOUT_MS });
    const tier = new RedisTier(client);
    if (!await tier.ready(1500)) {
      log?.("warn", "cache: Redis not reachable at start; running on L1 until it is");
    }
    l2 = tier;
    lock = tier;
    bus = new RedisBus(client, () => redis.subscriber());
    frequency = new RedisFrequency(client);
    describe = `L1 memory + L2 Redis ${redis.topology} (pub/sub bus, distributed lock)`;
  } else if (c.UPSTASH_REDIS_REST_URL && c.UPSTASH_REDIS_REST_TOKEN) {
    const tier = new UpstashTier(c.UPSTASH_REDIS_REST_URL, c.UPSTASH_REDIS_REST_TOKEN);
    l2 = tier;
    lock = tier;
    describe = "L1 memory + L2 Upstash REST (no bus: L1 TTL bounds staleness)";
  } else if (c.CACHE_DISK_DIR) {
    l2 = new DiskTier(c.CACHE_DISK_DIR, c.CACHE_DISK_MAX_MB * 1024 * 1024);
    describe = `L1 memory + L2 disk (${c.CACHE_DISK_DIR})`;
  }
  const cache = new LayeredCache({
    l1: { maxEntries: c.CACHE_L1_MAX_ENTRIES, maxBytes: c.CACHE_L1_MAX_MB * 1024 * 1024 },
    l2,
    lock,
    bus,
    defaultTtlMs: c.CACHE_TTL_S * 1000,
    defaultL1TtlMs: c.CACHE_L1_TTL_S * 1000,
    defaultGraceMs: c.CACHE_GRACE_S * 1000,
    l2TimeoutMs: c.CACHE_L2_TIMEOUT_MS,
    log,
  });
  await cache.start();
  return { cache, frequency, describe };
}
