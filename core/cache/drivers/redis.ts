/** @module L2 on Redis via npm:ioredis: msgpack bytes with PX TTL, tag sets, SCAN flush, lock and pub/sub bus. */
import { Redis, type RedisOptions } from "ioredis";
import { NAMESPACE, tagKey } from "../keys.ts";
import type { BusMessage, CacheBus, DistributedLock, L2Driver } from "../types.ts";

const RELEASE =
  `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export interface RedisConnectOptions {
  url?: string;
  /** Sentinel: "host:port,host:port" + master name. */
  sentinels?: string;
  sentinelName?: string;
  /** Per-command timeout so a hung Redis degrades to the next tier quickly. */
  commandTimeoutMs?: number;
  /** Queue commands while connecting (subscriber connections); data connections fail fast instead. */
  offlineQueue?: boolean;
}

/** Creates a fail-fast ioredis client: no offline queue, quick reconnects, bounded command time. */
export function createRedisClient(opts: RedisConnectOptions): Redis {
  const common: RedisOptions = {
    enableOfflineQueue: opts.offlineQueue ?? false,
    maxRetriesPerRequest: opts.offlineQueue ? null : 1,
    commandTimeout: opts.offlineQueue ? undefined : opts.commandTimeoutMs ?? 250,
    connectTimeout: 1000,
    retryStrategy: (times) => Math.min(50 * times, 500),
    lazyConnect: false,
  };
  if (opts.sentinels) {
    return new Redis({
      ...common,
      sentinels: opts.sentinels.split(",").map((hp) => {
        const [host, port] = hp.trim().split(":");
        return { host, port: Number(port || 26379) };
      }),
      name: opts.sentinelName ?? "mymaster",
    });
  }
  return new Redis(opts.url ?? "redis://127.0.0.1:6379", common);
}

export class RedisTier implements L2Driver, DistributedLock {
  readonly name = "redis";
  constructor(readonly client: Redis) {}

  /** Resolves true once connected (false after the timeout: the cache then starts degraded and recovers). */
  ready(timeoutMs = 1000): Promise<boolean> {
    if (this.client.status === "ready") return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.client.off("ready", on);
        resolve(false);
      }, timeoutMs);
      const on = () => {
        clearTimeout(t);
        resolve(true);
      };
      this.client.once("ready", on);
    });
  }

  async get(key: string): Promise<Uint8Array | null> {
    const b = await this.client.getBuffer(key);
    return b ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : null;
  }

  async set(key: string, value: Uint8Array, ttlMs: number, tags: string[]): Promise<void> {
    const p = this.client.pipeline().set(
      key,
      Buffer.from(value.buffer, value.byteOffset, value.byteLength),
      "PX",
      Math.max(1, Math.round(ttlMs)),
    );
    // A tag set lives a little longer than the newest entry it names.
    for (const t of tags) p.sadd(tagKey(t), key).pexpire(tagKey(t), Math.round(ttlMs) + 60_000);
    const res = await p.exec();
    const err = res?.find(([e]) => e)?.[0];
    if (err) throw err;
  }

  async delete(keys: string[]): Promise<number> {
    return keys.length ? await this.client.del(...keys) : 0;
  }

  async deleteTag(tag: string): Promise<string[]> {
    const keys = await this.client.smembers(tagKey(tag));
    if (keys.length) await this.client.del(...keys);
    await this.client.del(tagKey(tag));
    return keys;
  }

  async clear(prefix: string): Promise<number> {
    let cursor = "0";
    let n = 0;
    do {
      const [next, keys] = await this.client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length) n += await this.client.del(...keys);
    } while (cursor !== "0");
    return n;
  }

  async size(): Promise<number> {
    let cursor = "0";
    let n = 0;
    do {
      const [next, keys] = await this.client.scan(cursor, "MATCH", `${NAMESPACE}:*`, "COUNT", 1000);
      cursor = next;
      n += keys.filter((k) =>
        !k.startsWith(`${NAMESPACE}:tag:`) && !k.startsWith(`${NAMESPACE}:lock:`) &&
        !k.startsWith(`${NAMESPACE}:freq`)
      ).length;
    } while (cursor !== "0");
    return n;
  }

  async acquire(key: string, ttlMs: number): Promise<string | null> {
    const token = crypto.randomUUID();
    const ok = await this.client.set(key, token, "PX", Math.round(ttlMs), "NX");
    return ok === "OK" ? token : null;
  }

  async release(key: string, token: string): Promise<boolean> {
    return (await this.client.eval(RELEASE, 1, key, token)) === 1;
  }

  close(): Promise<void> {
    this.client.disconnect();
    return Promise.resolve();
  }
}

/** Pub/sub bus on a dedicated subscriber connection (a subscribed connection cannot run other commands). */
export class RedisBus implements CacheBus {
  readonly #channel: string;
  #sub?: Redis;
  constructor(
    private readonly pub: Redis,
    private readonly makeSub: () => Redis,
    channel = `${NAMESPACE}:cache:bus`,
  ) {
    this.#channel = channel;
  }

  async publish(msg: BusMessage): Promise<void> {
    await this.pub.publish(this.#channel, JSON.stringify(msg));
  }

  async subscribe(handler: (msg: BusMessage) => void): Promise<void> {
    this.#sub = this.makeSub();
    this.#sub.on("message", (_ch: string, raw: string) => {
      try {
        handler(JSON.parse(raw) as BusMessage);
      } catch { /* foreign message on our channel: ignore */ }
    });
    // Subscriptions are re-established by ioredis after reconnects (autoResubscribe).
    await this.#sub.subscribe(this.#channel).catch(() => {});
  }

  close(): Promise<void> {
    this.#sub?.disconnect();
    return Promise.resolve();
  }
}
