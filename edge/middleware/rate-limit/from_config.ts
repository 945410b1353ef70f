/** @module The HTTP rate limit as configured (RATE_LIMIT_*): Redis buckets when a Redis is configured, else
 * in-process. */
import { type Config, type RedisProvider } from "../../../core/mod.ts";
import { type BucketStore, MemoryBuckets, RedisBuckets } from "./buckets.ts";
import type { RateLimitOptions } from "./index.ts";

type RateLimitConfig = Pick<
  Config,
  | "RATE_LIMIT_ENABLED"
  | "RATE_LIMIT_RPS"
  | "RATE_LIMIT_BURST"
  | "RATE_LIMIT_LOOPBACK"
  | "RATE_LIMIT_TRUST_PROXY"
>;

/**
 * Options for `rateLimit()`, or undefined when RATE_LIMIT_ENABLED=false. A Redis outage lets requests through
 * (fail-open) with at most one warning per 30 s.
 *
 * @example
 * ```ts
 * const limits = rateLimitFromConfig(config, (msg, f) => log.warn(msg, f));
 * ```
 */
export function rateLimitFromConfig(
  c: RateLimitConfig,
  warn: (msg: string, fields: Record<string, unknown>) => void,
  /** The process' Redis provider (URL, Sentinel or Cluster), when one is configured. */
  redis?: RedisProvider,
): RateLimitOptions | undefined {
  if (!c.RATE_LIMIT_ENABLED) return undefined;
  let store: BucketStore;
  if (redis) {
    // No offline queue: while Redis is away the limiter fails open at once. Syncs run in the background, so a
    // generous timeout costs no request anything (a short one kept failing while start-up work kept the loop busy).
    const client = redis.client({ queue: false, timeoutMs: 1000 });
    store = new RedisBuckets(client, { onError: (err) => onStoreError(err) });
  } else {
    store = new MemoryBuckets();
  }
  let lastWarn = 0;
  function onStoreError(err: unknown) {
    if (Date.now() - lastWarn < 30_000) return;
    lastWarn = Date.now();
    warn("rate limit store unavailable; letting requests through", {
      store: store.name,
      error: String((err as Error)?.message ?? err),
    });
  }
  return {
    rate: c.RATE_LIMIT_RPS,
    burst: c.RATE_LIMIT_BURST,
    store,
    limitLoopback: c.RATE_LIMIT_LOOPBACK,
    trustProxy: c.RATE_LIMIT_TRUST_PROXY,
    onStoreError,
  };
}
