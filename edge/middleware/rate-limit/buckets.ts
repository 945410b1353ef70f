/** @module Token buckets for the HTTP rate limit: in-process (one instance) or in Redis (shared by all). */
import { isCluster, type RedisClient } from "../../../core/mod.ts";

/** Takes one token from `key`'s bucket: 0 when allowed, else the milliseconds until a token is available. */
export interface BucketStore {
  readonly name: string;
  take(key: string, rate: number, burst: number): number | Promise<number>;
  /** Gives back a token a synchronous take() just took (the request turned out to be counted elsewhere). */
  refund?(key: string, burst: number): void;
}

/** Buckets in a Map; the oldest keys are dropped past `maxKeys` (a dropped bucket restarts full). */
export class MemoryBuckets implements BucketStore {
  readonly name = "memory";
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly maxKeys = 100_000) {}

  take(key: string, rate: number, burst: number): number {
    const now = performance.now();
    let b = this.#buckets.get(key);
    if (!b) {
      if (this.#buckets.size >= this.maxKeys) this.#evict();
      this.#buckets.set(key, b = { tokens: burst, at: now });
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / rate) * 1000);
  }

  refund(key: string, burst: number): void {
    const b = this.#buckets.get(key);
    if (b) b.tokens = Math.min(burst, b.tokens + 1);
  }

  #evict() {
    let n = Math.ceil(this.maxKeys / 10);
    for (const k of this.#buckets.keys()) {
      this.#buckets.delete(k);
      if (--n <= 0) break;
    }
  }
}

// Takes `n` tokens at once (the requests an instance let through since its last sync): refill by elapsed time
// (Redis' own clock, so instances' clocks do not matter), subtract — a bucket may go into debt when several
// instances spent at once, and pays it back before allowing more — and expire idle buckets once full again.
// Returns the tokens left, as a string (Lua numbers would be truncated to integers on the way out).
const TAKE_N = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(v[1]) or burst
local at = tonumber(v[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate) - n
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(tokens)`;

interface SharedBucket {
  rate: number;
  burst: number;
  /** Tokens Redis reported at the last sync, and when (performance.now()). */
  tokens: number;
  at: number;
  /** Requests let through since the last sync, not yet spent in Redis. */
  pending: number;
}

type Pipeline = { exec(): Promise<[Error | null, unknown][] | null> };
type TakeN = (key: string, rate: number, burst: number, n: number) => unknown;

export interface RedisBucketsOptions {
  /** How often spent tokens are synced to Redis (ms). */
  syncMs?: number;
  prefix?: string;
  maxKeys?: number;
  /** Redis failed: the local view is dropped (requests pass: fail-open) until Redis answers again. */
  onError?: (err: unknown) => void;
}

/**
 * Buckets in Redis, shared by every instance behind the load balancer, without a Redis round trip per request:
 * each instance decides from its last view of the shared bucket and syncs what it spent every `syncMs` in one
 * pipeline (a Lua script per key). Instances agree within one sync interval: together they may let through up
 * to one interval's worth of extra requests, which the shared bucket then owes back.
 */
export class RedisBuckets implements BucketStore {
  readonly name = "redis";
  readonly #local = new Map<string, SharedBucket>();
  readonly #syncMs: number;
  readonly #prefix: string;
  readonly #maxKeys: number;
  readonly #onError: (err: unknown) => void;
  #timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly client: RedisClient, opts: RedisBucketsOptions = {}) {
    this.#syncMs = opts.syncMs ?? 20;
    this.#prefix = opts.prefix ?? "chemagent:ratelimit:";
    this.#maxKeys = opts.maxKeys ?? 100_000;
    this.#onError = opts.onError ?? (() => {});
    client.defineCommand("chemagentRateTakeN", { numberOfKeys: 1, lua: TAKE_N });
  }

  take(key: string, rate: number, burst: number): number {
    const now = performance.now();
    let b = this.#local.get(key);
    if (!b) {
      if (this.#local.size >= this.#maxKeys) this.#local.delete(this.#local.keys().next().value!);
      this.#local.set(key, b = { rate, burst, tokens: burst, at: now, pending: 0 });
    }
    const tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate) - b.pending;
    if (tokens < 1) return Math.ceil(((1 - tokens) / rate) * 1000);
    b.pending++;
    this.#timer ??= setTimeout(() => void this.sync(), this.#syncMs);
    return 0;
  }

  refund(key: string): void {
    const b = this.#local.get(key);
    if (b && b.pending > 0) b.pending--;
  }

  /** Spends the pending tokens in Redis and refreshes the local view (also called by the timer). */
  async sync(): Promise<void> {
    this.#timer = undefined;
    const batch = [...this.#local].filter(([, b]) => b.pending > 0).map(([k, b]) =>
      [k, b, b.pending] as const
    );
    if (!batch.length) return;
    for (const [, b] of batch) b.pending = 0;
    const pipe = () => this.client.pipeline() as unknown as Pipeline & { chemagentRateTakeN: TakeN };
    try {
      let replies: [Error | null, unknown][] | null;
      if (isCluster(this.client)) {
        // Buckets hash to different slots: one script call each (sent together, each to its node).
        replies = await Promise.all(batch.map(([k, b, n]) => {
          const p = pipe();
          p.chemagentRateTakeN(this.#prefix + k, b.rate, b.burst, n);
          return p.exec().then((r) => r?.[0] ?? [new Error("no reply"), null] as [Error | null, unknown]);
        }));
      } else {
        const p = pipe();
        for (const [k, b, n] of batch) p.chemagentRateTakeN(this.#prefix + k, b.rate, b.burst, n);
        replies = await p.exec();
      }
      const now = performance.now();
      batch.forEach(([, b], i) => {
        const [err, left] = replies?.[i] ?? [new Error("no reply"), null];
        if (err) throw err;
        b.tokens = Number(left);
        b.at = now;
      });
    } catch (err) {
      this.#local.clear(); // fail-open: no stale "blocked" views while Redis is away
      this.#onError(err);
    }
  }
}
