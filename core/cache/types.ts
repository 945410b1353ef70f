/** @module Cache contracts: the L2 driver interface, the cross-instance bus, the distributed lock. */

/** What every L2 tier (Redis, Upstash, disk) implements: bytes in, bytes out, with TTL and tags. */
export interface L2Driver {
  readonly name: string;
  get(key: string): Promise<Uint8Array | null>;
  set(key: string, value: Uint8Array, ttlMs: number, tags: string[]): Promise<void>;
  delete(keys: string[]): Promise<number>;
  /** Deletes every entry carrying the tag; returns the keys removed. */
  deleteTag(tag: string): Promise<string[]>;
  /** Deletes every key starting with the prefix (flush by namespace); returns how many. */
  clear(prefix: string): Promise<number>;
  /** Number of our keys, when the tier can tell cheaply. */
  size?(): Promise<number>;
  close(): Promise<void>;
}

/** SET NX PX with a token; release only by the holder. */
export interface DistributedLock {
  acquire(key: string, ttlMs: number): Promise<string | null>;
  release(key: string, token: string): Promise<boolean>;
}

export type BusMessage =
  | { op: "evict"; origin: string; keys: string[] }
  | { op: "evict_tags"; origin: string; tags: string[] }
  | { op: "clear"; origin: string; prefix: string };

/** Cross-instance invalidation channel (Redis pub/sub). */
export interface CacheBus {
  publish(msg: BusMessage): Promise<void>;
  subscribe(handler: (msg: BusMessage) => void): Promise<void>;
  close(): Promise<void>;
}

export type Tier = "l1" | "l2" | "compute";

export interface CacheOptions {
  /** Freshness in the shared tier (ms). */
  ttlMs?: number;
  /** Freshness in process memory (ms, ≤ ttlMs). */
  l1TtlMs?: number;
  /** After expiry, serve stale for this long while one caller refreshes (stale-while-revalidate). */
  graceMs?: number;
  /** Tags for invalidation, fixed or derived from the computed value. */
  tags?: string[] | ((value: unknown) => string[]);
  /** Skip the cache entirely (per-request `cache: false`). */
  bypass?: boolean;
  /** Decide whether a computed value may be stored (e.g. not cancelled/timeout responses). */
  cacheable?: (value: unknown) => boolean;
  /** Human label for analytics (top keys). */
  label?: string;
}

export interface CacheResult<T> {
  value: T;
  tier: Tier;
  stale?: boolean;
}
