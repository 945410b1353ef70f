/** @module Session store on Redis: any instance can continue a conversation. One list per session + TTL. */
import type { Redis } from "ioredis";
import {
  DEFAULT_LIMITS,
  type Exchange,
  type MemoryLimits,
  type Session,
  type SessionStore,
} from "../types.ts";

const key = (id: string) => `chemagent:session:${id}`;
const meta = (id: string) => `chemagent:session-meta:${id}`;

export class RedisSessionStore implements SessionStore {
  readonly name = "redis";
  readonly #limits: MemoryLimits;
  constructor(private readonly client: Redis, limits: Partial<MemoryLimits> = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  async get(id: string): Promise<Session | null> {
    const [items, m] = await Promise.all([this.client.lrange(key(id), 0, -1), this.client.hgetall(meta(id))]);
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
    const replies = await this.client.multi()
      .hsetnx(meta(id), "owner", owner)
      .hsetnx(meta(id), "created", now)
      .hsetnx(meta(id), "updated", now)
      .hget(meta(id), "owner")
      .pexpire(meta(id), this.#limits.ttlMs)
      .pexpire(key(id), this.#limits.ttlMs)
      .exec();
    return replies?.[3]?.[1] === owner;
  }

  async append(id: string, exchange: Exchange): Promise<void> {
    const now = Date.now();
    const ttl = this.#limits.ttlMs;
    await this.client.multi()
      .rpush(key(id), JSON.stringify(exchange))
      .ltrim(key(id), -this.#limits.maxExchanges, -1)
      .hsetnx(meta(id), "created", String(now))
      .hset(meta(id), "updated", String(now))
      .pexpire(key(id), ttl)
      .pexpire(meta(id), ttl)
      .exec();
  }

  async delete(id: string): Promise<boolean> {
    return (await this.client.del(key(id), meta(id))) > 0;
  }

  /** Redis expires idle sessions by itself (PEXPIRE on every write). */
  purgeExpired(): Promise<number> {
    return Promise.resolve(0);
  }

  async count(): Promise<number> {
    let cursor = "0", n = 0;
    do {
      const [next, keys] = await this.client.scan(cursor, "MATCH", "chemagent:session-meta:*", "COUNT", 1000);
      cursor = next;
      n += keys.length;
    } while (cursor !== "0");
    return n;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
