/** @module Recent query frequency (Redis sorted set) so warming can start from what users actually ask. */
import type { Redis } from "ioredis";
import { NAMESPACE } from "./keys.ts";

export interface QueryFrequency {
  record(query: string): Promise<void>;
  top(n: number): Promise<string[]>;
}

const KEY = `${NAMESPACE}:freq:queries`;
const MAX = 5000;

export class RedisFrequency implements QueryFrequency {
  #writes = 0;
  constructor(private readonly client: Redis) {}

  async record(query: string): Promise<void> {
    await this.client.zincrby(KEY, 1, query.slice(0, 500));
    // Keep the set bounded: trim the least frequent every few hundred writes.
    if (++this.#writes % 500 === 0) await this.client.zremrangebyrank(KEY, 0, -MAX - 1);
  }

  async top(n: number): Promise<string[]> {
    return await this.client.zrevrange(KEY, 0, n - 1);
  }
}
