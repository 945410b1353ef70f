/** @module Session store on Redis: any instance can continue a conversation. One list per session + TTL.
 * A session's keys share a hash tag (`{id}`): one slot on a cluster, so each write is one atomic script.
 * Writes are idempotent (retried through a failover without doubling a turn) and, with the provider,
 * acknowledged by a replica (`WAIT`) before the turn counts as saved. */
import type { RedisClient } from "../../redis/provider.ts";
import { type Durable, durableOf, RedisProvider, scanKeys } from "../../redis/provider.ts";
import {
  DEFAULT_LIMITS,
  type Exchange,
  type MemoryLimits,
  type Session,
  type SessionStore,
} from "../types.ts";

const key = (id: string) => `chemagent:session:{${id}}`;
const meta = (id: string) => `chemagent:session-meta:{${id}}`;

// KEYS: list, meta. ARGV: exchange JSON, write token, max exchanges, ttl ms, now. A token already applied
// (a retry after a lost reply) is not appended twice.
const APPEND = `
if redis.call('HGET', KEYS[2], 'last_write') == ARGV[2] then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('HSETNX', KEYS[2], 'created', ARGV[5])
redis.call('HSET', KEYS[2], 'updated', ARGV[5], 'last_write', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1`;

// KEYS: list, meta. ARGV: owner, now, ttl ms. Returns the owner (idempotent: a retry changes nothing).
const CLAIM = `
redis.call('HSETNX', KEYS[2], 'owner', ARGV[1])
redis.call('HSETNX', KEYS[2], 'created', ARGV[2])
redis.call('HSETNX', KEYS[2], 'updated', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('HGET', KEYS[2], 'owner')`;

type Scripted = Record<
  "chemagentSessionAppend" | "chemagentSessionClaim",
  (...args: (string | number)[]) => unknown
>;

export class RedisSessionStore implements SessionStore {
  readonly name = "redis";
  readonly #limits: MemoryLimits;
  readonly #d: Durable;
  constructor(redis: RedisClient | RedisProvider, limits: Partial<MemoryLimits> = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
    this.#d = durableOf(redis);
  }

  get #client() {
    return this.#d.client;
  }

  async get(id: string): Promise<Session | null> {
    const [items, m] = await this.#d.retry(() =>
      Promise.all([this.#client.lrange(key(id), 0, -1), this.#client.hgetall(meta(id))])
    );
    if (!items.length && !m.created) return null;
    return {
      id,
      created: Number(m.created ?? 0),
      updated: Number(m.updated ?? 0),
      exchanges: items.map((s) => JSON.parse(s) as Exchange),
      ...(m.owner ? { owner: m.owner } : {}),
    };
  }

  async claim(id: string, owner: string): Promise<boolean> {
    const now = String(Date.now());
    // HSETNX: the first claimer of a new (or never-owned) id wins, on every instance at once.
    const [winner] = await this.#d.write(
      key(id),
      (p) => p.eval(CLAIM, 2, key(id), meta(id), owner, now, this.#limits.ttlMs),
    );
    return winner === owner;
  }

  async append(id: string, exchange: Exchange): Promise<void> {
    const token = crypto.randomUUID();
    await this.#d.write(key(id), (p) =>
      p.eval(
        APPEND,
        2,
        key(id),
        meta(id),
        JSON.stringify(exchange),
        token,
        this.#limits.maxExchanges,
        this.#limits.ttlMs,
        Date.now(),
      ));
  }

  async delete(id: string): Promise<boolean> {
    return ((await this.#d.write(key(id), (p) => p.del(key(id), meta(id))))[0] as number) > 0;
  }

  /** Redis expires idle sessions by itself (PEXPIRE on every write). */
  purgeExpired(): Promise<number> {
    return Promise.resolve(0);
  }

  async count(): Promise<number> {
    let n = 0;
    await scanKeys(this.#client, "chemagent:session-meta:*", (keys) => {
      n += keys.length;
    });
    return n;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
