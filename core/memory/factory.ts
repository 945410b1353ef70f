/** @module Picks the session store: Redis when one is configured (shared by all instances), else SQLite. */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Config } from "../config.ts";
import { createRedisProvider, type RedisConfig, type RedisProvider } from "../redis/mod.ts";
import { RedisSessionStore } from "./drivers/redis.ts";
import { SqliteSessionStore } from "./drivers/sqlite.ts";
import type { SessionStore } from "./types.ts";

type MemoryConfig =
  & Partial<RedisConfig>
  & Pick<
    Config,
    "MEMORY_SQLITE_PATH" | "MEMORY_MAX_EXCHANGES" | "MEMORY_TTL_HOURS"
  >;

export async function createSessionStore(
  c: MemoryConfig,
  /** The process' Redis provider (built from `c` when not given). */
  redis: RedisProvider | undefined = createRedisProvider(c),
): Promise<SessionStore> {
  const limits = { maxExchanges: c.MEMORY_MAX_EXCHANGES, ttlMs: c.MEMORY_TTL_HOURS * 3600 * 1000 };
  // Sessions ride through a failover: queued while reconnecting, retried, acknowledged by a replica.
  if (redis) return new RedisSessionStore(redis, limits);
  if (c.MEMORY_SQLITE_PATH !== ":memory:") await mkdir(dirname(c.MEMORY_SQLITE_PATH), { recursive: true });
  return new SqliteSessionStore(c.MEMORY_SQLITE_PATH, limits);
}
