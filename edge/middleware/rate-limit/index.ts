/** @module HTTP rate limit: a token bucket per user (authenticated) or per client address; 429 + Retry-After. */
import type { Context, MiddlewareHandler } from "hono";
import { ChemAgentError } from "../../../core/mod.ts";
import { fail } from "../../envelope.ts";
import type { AuthVariables } from "../auth/index.ts";
import { type BucketStore, MemoryBuckets } from "./buckets.ts";

export { type BucketStore, MemoryBuckets, RedisBuckets } from "./buckets.ts";

/** What the limiter puts on the context: the bucket the request was counted in (absent when exempt). */
export interface RateLimitVariables {
  rateLimitKey?: string;
}

export interface RateLimitOptions {
  /** Sustained requests per second per key. */
  rate: number;
  /** Requests allowed in a burst (bucket size). */
  burst: number;
  /** Where buckets live; in-process by default. */
  store?: BucketStore;
  /** Count loopback clients too (off by default: local tools, tests and benches are not throttled). */
  limitLoopback?: boolean;
  /** Take the client address from the last X-Forwarded-For hop (set when a trusted proxy is in front). */
  trustProxy?: boolean;
  /** Called when the store fails; the request is let through (fail-open). */
  onStoreError?: (err: unknown) => void;
}

/**
 * Token-bucket rate limit. The key is the token's `sub` when the request is authenticated, else the client
 * address. A store error lets the request through and is reported through `onStoreError`.
 *
 * @example
 * ```ts
 * app.use("/api/*", rateLimit({ rate: 20, burst: 100 }));
 * ```
 */
export const rateLimit = (
  {
    rate,
    burst,
    store = new MemoryBuckets(),
    limitLoopback = false,
    trustProxy = false,
    onStoreError = () => {},
  }: RateLimitOptions,
): MiddlewareHandler<{ Variables: AuthVariables & RateLimitVariables }> => {
  const refuse = (c: Context, wait: number) => {
    const retryAfter = Math.max(1, Math.ceil(wait / 1000));
    return fail(
      c,
      new ChemAgentError("rate_limited", `Too many requests; retry in ${retryAfter} s.`, {
        details: { retry_after: retryAfter, limit_per_s: rate, burst },
      }),
      429,
    );
  };
  const take = (key: string): number | Promise<number> => {
    try {
      const taken = store.take(key, rate, burst);
      return typeof taken === "number" ? taken : taken.catch((err) => (onStoreError(err), 0));
    } catch (err) {
      onStoreError(err); // fail-open: a limiter outage must not become a service outage
      return 0;
    }
  };
  // Not async: with in-process buckets the allowed path adds no promise of its own to the request.
  return function limitRate(c, next) {
    const address = clientAddress(c, trustProxy);
    if (!limitLoopback && isLoopback(address)) return next();
    const sub = c.get("principal")?.sub;
    const key = sub !== undefined ? "u:" + sub : "a:" + (address ?? "unknown");
    c.set("rateLimitKey", key);
    const wait = take(key);
    if (typeof wait === "number") return wait > 0 ? Promise.resolve(refuse(c, wait)) : next();
    return wait.then<Response | void>((w) => (w > 0 ? refuse(c, w) : next()));
  };
};

function clientAddress(c: Context, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const hops = c.req.header("x-forwarded-for");
    // The last hop is the one our proxy appended; earlier ones are whatever the client claimed.
    if (hops) return hops.slice(hops.lastIndexOf(",") + 1).trim();
  }
  return (c.env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr?.hostname;
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
