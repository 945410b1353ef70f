/** @module Token buckets for the HTTP rate limit: in-process (one instance) or in Redis (shared by all). */
import type { Redis } from "ioredis";

/** Takes one token from `key`'s bucket: 0 when allowed, else the milliseconds until a token is available. */
export interface BucketStore {
  readonly name: string;
  take(key: string, rate: number, burst: number): number | Promise<number>;
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

  #evict() {
    let n = Math.ceil(this.maxKeys / 10);
    for (const k of this.#buckets.keys()) {
      this.#buckets.delete(k);
      if (--n <= 0) break;
    }
  }
}

// One atomic step per request: refill by elapsed time (Redis' own clock, so instances' clocks do not matter),
// take a token or report the wait, and expire idle buckets once they would be full again.
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(v[1]) or burst
local at = tonumber(v[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait`;

type TakeCommand = (key: string, rate: number, burst: number) => Promise<number>;

/** Buckets in Redis (a Lua script, EVALSHA), shared by every instance behind the load balancer. */
export class RedisBuckets implements BucketStore {
  readonly name = "redis";
  readonly #take: TakeCommand;
  constructor(client: Redis, private readonly prefix = "chemagent:ratelimit:") {
    client.defineCommand("chemagentRateTake", { numberOfKeys: 1, lua: TAKE });
    const cmd = (client as unknown as { chemagentRateTake: TakeCommand }).chemagentRateTake.bind(client);
    this.#take = cmd;
  }

  async take(key: string, rate: number, burst: number): Promise<number> {
    return Number(await this.#take(this.prefix + key, rate, burst));
  }
}
