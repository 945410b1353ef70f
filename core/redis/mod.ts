/** @module Redis for every feature: one provider per process, built from the REDIS_* configuration. */
import { type Config, ConfigError } from "../config.ts";
import { type RedisLog, RedisProvider } from "./provider.ts";

export {
  type ConnectionProfile,
  delKeys,
  type Durable,
  durableOf,
  isCluster,
  isTransient,
  type RedisClient,
  type RedisLog,
  type RedisPipeline,
  RedisProvider,
  type RedisSettings,
  type RedisStatus,
  type RedisTopology,
  scanKeys,
} from "./provider.ts";

export type RedisConfig = Pick<
  Config,
  | "REDIS_URL"
  | "REDIS_SENTINELS"
  | "REDIS_SENTINEL_NAME"
  | "REDIS_CLUSTER_NODES"
  | "REDIS_USERNAME"
  | "REDIS_PASSWORD"
  | "REDIS_TLS"
  | "REDIS_TLS_CA_FILE"
  | "REDIS_CONNECT_TIMEOUT_MS"
  | "REDIS_COMMAND_TIMEOUT_MS"
  | "REDIS_RETRY_DEADLINE_MS"
  | "REDIS_WAIT_REPLICAS"
  | "REDIS_WAIT_TIMEOUT_MS"
>;

/** True when the configuration names a Redis (URL, Sentinel or Cluster). */
export const redisConfigured = (c: Partial<RedisConfig>) =>
  !!(c.REDIS_URL || c.REDIS_SENTINELS || c.REDIS_CLUSTER_NODES);

/**
 * The process' Redis provider, or undefined when no Redis is configured. A CA file that cannot be read stops
 * start-up with one line naming its variable.
 */
export function createRedisProvider(c: Partial<RedisConfig>, log?: RedisLog): RedisProvider | undefined {
  if (!redisConfigured(c)) return undefined;
  let tlsCa: string | undefined;
  if (c.REDIS_TLS_CA_FILE) {
    try {
      tlsCa = Deno.readTextFileSync(c.REDIS_TLS_CA_FILE);
    } catch (e) {
      throw new ConfigError(
        `invalid configuration: REDIS_TLS_CA_FILE: cannot read ${c.REDIS_TLS_CA_FILE} (${(e as Error).name})`,
      );
    }
  }
  return new RedisProvider({
    url: c.REDIS_URL,
    sentinels: c.REDIS_SENTINELS,
    sentinelName: c.REDIS_SENTINEL_NAME,
    clusterNodes: c.REDIS_CLUSTER_NODES,
    username: c.REDIS_USERNAME,
    password: c.REDIS_PASSWORD,
    tls: c.REDIS_TLS,
    tlsCa,
    connectTimeoutMs: c.REDIS_CONNECT_TIMEOUT_MS,
    commandTimeoutMs: c.REDIS_COMMAND_TIMEOUT_MS,
    retryDeadlineMs: c.REDIS_RETRY_DEADLINE_MS,
    waitReplicas: c.REDIS_WAIT_REPLICAS,
    waitTimeoutMs: c.REDIS_WAIT_TIMEOUT_MS,
  }, log);
}
