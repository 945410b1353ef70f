/** @module Cache: one orchestrator (LayeredCache) over an L1 memory tier and pluggable L2 drivers. */
export { LayeredCache, type LayeredCacheOptions } from "./layered.ts";
export type {
  BusMessage,
  CacheBus,
  CacheOptions,
  CacheResult,
  DistributedLock,
  L2Driver,
  Tier,
} from "./types.ts";
export { MemoryTier } from "./drivers/memory.ts";
export { createRedisClient, RedisBus, RedisTier } from "./drivers/redis.ts";
export { DiskTier } from "./drivers/disk.ts";
export { UpstashTier } from "./drivers/upstash.ts";
export { cacheKey, normalizeQuery, stableStringify } from "./keys.ts";
export { decodeEntry, encodeEntry } from "./codec.ts";
