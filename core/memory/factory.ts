/** @module Picks the session store: Redis when REDIS_URL is set (shared by all instances), else SQLite. */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { createRedisClient } from "../cache/drivers/redis.ts";
import type { Config } from "../config.ts";
import { RedisSessionStore } from "./drivers/redis.ts";
import { SqliteSessionStore } from "./drivers/sqlite.ts";
import type { SessionStore } from "./types.ts";

type MemoryConfig = Pick<
  Config,
  "REDIS_URL" | "MEMORY_SQLITE_PATH" | "MEMORY_MAX_EXCHANGES" | "MEMORY_TTL_HOURS"
>;

export async function createSessionStore(c: MemoryConfig): Promise<SessionStore> {
  const limits = { maxExchanges: c.MEMORY_MAX_EXCHANGES, ttlMs: c.MEMORY_TTL_HOURS * 3600 * 1000 };
  if (c.REDIS_URL) {
    // Sessions must not be dropped by a fail-fast client: queue while reconnecting, bounded by a timeout.
    const client = createRedisClient({ url: c.REDIS_URL, offlineQueue: true });
    client.on("error", () => {});
    return new RedisSessionStore(client, limits);
  }
  if (c.MEMORY_SQLITE_PATH !== ":memory:") await mkdir(dirname(c.MEMORY_SQLITE_PATH), { recursive: true });
  return new SqliteSessionStore(c.MEMORY_SQLITE_PATH, limits);
}
