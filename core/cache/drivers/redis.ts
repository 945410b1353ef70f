/** @module L2 on Redis via npm:ioredis (one server, Sentinel or Cluster): msgpack bytes with PX TTL, tag sets,
 * SCAN flush, lock and pub/sub bus. On a cluster no command spans two slots: entries, tag sets and locks are
 * written one key per command, and the bus uses sharded pub/sub. */
import { Redis, type RedisOptions } from "ioredis";
import { delKeys, isCluster, type RedisClient, scanKeys } from "../../redis/provider.ts";
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

/** Creates a fail-fast ioredis client: no offline queue, quick reconnects, bounded command time. The server
 * builds its connections through the Redis provider (core/redis); this stays for tools and tests. */
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
  constructor(readonly client: RedisClient) {}

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
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const px = Math.max(1, Math.round(ttlMs));
    // A tag set lives a little longer than the newest entry it names.
    const tagTtl = Math.round(ttlMs) + 60_000;
    if (isCluster(this.client)) {
      // Entry and tag sets hash to different slots: one command (or same-key pipeline) each.
      await Promise.all([
        this.client.set(key, bytes, "PX", px),
        ...tags.map((t) => checked(this.client.pipeline().sadd(tagKey(t), key).pexpire(tagKey(t), tagTtl))),
      ]);
      return;
    }
    const p = this.client.pipeline().set(key, bytes, "PX", px);
    for (const t of tags) p.sadd(tagKey(t), key).pexpire(tagKey(t), tagTtl);
    await checked(p);
  }

  async delete(keys: string[]): Promise<number> {
    return await delKeys(this.client, keys);
  }

  async deleteTag(tag: string): Promise<string[]> {
    const keys = await this.client.smembers(tagKey(tag));
    await delKeys(this.client, keys);
    await this.client.del(tagKey(tag));
    return keys;
  }

  async clear(prefix: string): Promise<number> {
    let n = 0;
    await scanKeys(this.client, `${prefix}*`, async (keys) => {
      n += await delKeys(this.client, keys);
    });
    return n;
  }

  async size(): Promise<number> {
    let n = 0;
    await scanKeys(this.client, `${NAMESPACE}:*`, (keys) => {
      n += keys.filter((k) =>
        !k.startsWith(`${NAMESPACE}:tag:`) && !k.startsWith(`${NAMESPACE}:lock:`) &&
        !k.startsWith(`${NAMESPACE}:freq`)
      ).length;
    });
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

/** Pub/sub bus on a dedicated subscriber connection (a subscribed connection cannot run other commands);
 * sharded pub/sub (SPUBLISH/SSUBSCRIBE) on a cluster, so invalidations reach one shard instead of all. */
export class RedisBus implements CacheBus {
  readonly #channel: string;
  #sub?: RedisClient;
  constructor(
    private readonly pub: RedisClient,
    private readonly makeSub: () => RedisClient,
    channel = `${NAMESPACE}:cache:bus`,
  ) {
    this.#channel = channel;
  }

  async publish(msg: BusMessage): Promise<void> {
    if (isCluster(this.pub)) await this.pub.spublish(this.#channel, JSON.stringify(msg));
    else await this.pub.publish(this.#channel, JSON.stringify(msg));
  }

  async subscribe(handler: (msg: BusMessage) => void): Promise<void> {
    this.#sub = this.makeSub();
    const sharded = isCluster(this.#sub);
    this.#sub.on(sharded ? "smessage" : "message", (ch: string, raw: string) => {
      if (ch !== this.#channel) return;
      try {
        handler(JSON.parse(raw) as BusMessage);
      } catch { /* foreign message on our channel: ignore */ }
    });
    // Subscriptions are re-established by ioredis after reconnects (autoResubscribe).
    await (sharded ? this.#sub.ssubscribe(this.#channel) : this.#sub.subscribe(this.#channel)).catch(
      () => {},
    );
  }

  close(): Promise<void> {
    this.#sub?.disconnect();
    return Promise.resolve();
  }
}

/** Throws the first error of a pipeline's replies. */
async function checked(p: { exec(): Promise<[Error | null, unknown][] | null> }): Promise<void> {
  const res = await p.exec();
  const err = res?.find(([e]) => e)?.[0];
  if (err) throw err;
}
