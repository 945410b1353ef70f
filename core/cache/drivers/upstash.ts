/** @module L2 on Upstash Redis over its REST API (npm:@upstash/redis), for Deno Deploy. No pub/sub bus. */
import { Redis } from "@upstash/redis";
import { tagKey } from "../keys.ts";
import type { DistributedLock, L2Driver } from "../types.ts";

const RELEASE =
  `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/** Values travel as base64 strings (REST is JSON); automatic JSON deserialisation is off so bytes stay bytes. */
export class UpstashTier implements L2Driver, DistributedLock {
  readonly name = "upstash";
  readonly #r: Redis;

  constructor(url: string, token: string) {
    this.#r = new Redis({
      url,
      token,
      automaticDeserialization: false,
      retry: { retries: 1, backoff: () => 50 },
    });
  }

  async get(key: string): Promise<Uint8Array | null> {
    const v = await this.#r.get<string>(key);
    if (v === null || v === undefined) return null;
    try {
      return Uint8Array.from(atob(String(v)), (c) => c.charCodeAt(0));
    } catch {
      return new TextEncoder().encode(String(v)); // not base64: foreign value, rejected by the codec
    }
  }

  async set(key: string, value: Uint8Array, ttlMs: number, tags: string[]): Promise<void> {
    let bin = "";
    for (let i = 0; i < value.length; i += 0x8000) {
      bin += String.fromCharCode(...value.subarray(i, i + 0x8000));
    }
    const p = this.#r.pipeline();
    p.set(key, btoa(bin), { px: Math.max(1, Math.round(ttlMs)) });
    for (const t of tags) {
      p.sadd(tagKey(t), key);
      p.pexpire(tagKey(t), Math.round(ttlMs) + 60_000);
    }
    await p.exec();
  }

  async delete(keys: string[]): Promise<number> {
    return keys.length ? await this.#r.del(...keys) : 0;
  }

  async deleteTag(tag: string): Promise<string[]> {
    const keys = (await this.#r.smembers(tagKey(tag))) as string[];
    if (keys.length) await this.#r.del(...keys);
    await this.#r.del(tagKey(tag));
    return keys;
  }

  async clear(prefix: string): Promise<number> {
    let cursor: string | number = 0;
    let n = 0;
    do {
      const [next, keys]: [string | number, string[]] = await this.#r.scan(cursor, {
        match: `${prefix}*`,
        count: 500,
      });
      cursor = next;
      if (keys.length) n += await this.#r.del(...keys);
    } while (String(cursor) !== "0");
    return n;
  }

  async acquire(key: string, ttlMs: number): Promise<string | null> {
    const token = crypto.randomUUID();
    const ok = await this.#r.set(key, token, { px: Math.round(ttlMs), nx: true });
    return ok === "OK" ? token : null;
  }

  async release(key: string, token: string): Promise<boolean> {
    return Number(await this.#r.eval(RELEASE, [key], [token])) === 1;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
