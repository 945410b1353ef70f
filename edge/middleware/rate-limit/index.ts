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
  const client = { trustProxy, limitLoopback };
  // Not async: with in-process buckets the allowed path adds no promise of its own to the request.
  return function limitRate(c, next) {
    const key = bucketKey(c.req.raw, c.env as ClientInfo | undefined, client, c.get("principal")?.sub);
    if (!key) return next();
    c.set("rateLimitKey", key);
    const wait = take(key);
    if (typeof wait === "number") return wait > 0 ? Promise.resolve(refuse(c, wait)) : next();
    return wait.then<Response | void>((w) => (w > 0 ? refuse(c, w) : next()));
  };
};

/** Where a request came from, as Deno.serve tells the handler. */
type ClientInfo = { remoteAddr?: { hostname?: string } };

/**
 * The bucket a request is counted in: the token's `sub` when authenticated, else the client address; "" when
 * the client is exempt (loopback, unless loopback is counted too). The middleware and the pre-routing fast
 * path (edge/fast_path.ts) both key by it, so a client's hits and misses share one bucket.
 */
export function bucketKey(
  req: Request,
  info: ClientInfo | undefined,
  o: Pick<RateLimitOptions, "trustProxy" | "limitLoopback">,
  sub?: string,
): string {
  const address = clientAddress(req, info, !!o.trustProxy);
  if (!o.limitLoopback && isLoopback(address)) return "";
  return sub !== undefined ? "u:" + sub : "a:" + (address ?? "unknown");
}

function clientAddress(req: Request, info: ClientInfo | undefined, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const hops = req.headers.get("x-forwarded-for");
    // The last hop is the one our proxy appended; earlier ones are whatever the client claimed.
    if (hops) return hops.slice(hops.lastIndexOf(",") + 1).trim();
  }
  return info?.remoteAddr?.hostname;
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
