/** @module Recent query frequency (Redis sorted set) so warming can start from what users actually ask. */
import type { RedisClient as Redis } from "../redis/provider.ts";
import { NAMESPACE } from "./keys.ts";

export interface QueryFrequency {
  record(query: string): Promise<void>;
  top(n: number): Promise<string[]>;
}

const KEY = `${NAMESPACE}:freq:queries`;
const MAX = 5000;

/** Counts are batched in memory and flushed once a second in one pipeline (no Redis round trip per query). */
export class RedisFrequency implements QueryFrequency {
  #pending = new Map<string, number>();
  #timer?: ReturnType<typeof setTimeout>;
  constructor(private readonly client: Redis, private readonly flushMs = 1000) {}

  record(query: string): Promise<void> {
    const q = query.slice(0, 500);
    this.#pending.set(q, (this.#pending.get(q) ?? 0) + 1);
    this.#timer ??= setTimeout(() => this.flush().catch(() => {}), this.flushMs);
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    this.#timer = undefined;
    if (!this.#pending.size) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const p = this.client.pipeline();
    for (const [q, n] of batch) p.zincrby(KEY, n, q);
    // Keep the set bounded: drop the least frequent beyond MAX.
    p.zremrangebyrank(KEY, 0, -MAX - 1);
    await p.exec();
  }

  async top(n: number): Promise<string[]> {
    return await this.client.zrevrange(KEY, 0, n - 1);
  }
}
