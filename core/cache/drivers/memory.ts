/** @module L1: in-process LRU (npm:lru-cache), bounded by entry count and approximate bytes, with TTL. */
import { LRUCache } from "lru-cache";

export interface L1Entry {
  value: unknown;
  tags: string[];
  expiresAt: number;
  staleUntil: number;
  size: number;
}

export interface MemoryTierOptions {
  maxEntries?: number;
  maxBytes?: number;
  onEvict?: (key: string, reason: string) => void;
}

const WALL_CLOCK = { now: () => Date.now() };

/** The memory tier keeps decoded values (no serialisation on hits) and a tag → keys index. */
export class MemoryTier {
  readonly #lru: LRUCache<string, L1Entry>;
  readonly #tags = new Map<string, Set<string>>();

  constructor({ maxEntries = 5000, maxBytes = 64 * 1024 * 1024, onEvict }: MemoryTierOptions = {}) {
    this.#lru = new LRUCache<string, L1Entry>({
      max: maxEntries,
      maxSize: maxBytes,
      sizeCalculation: (e) => Math.max(1, e.size),
      ttlAutopurge: false,
      // Wall-clock ms (the entries' own expiresAt is Date.now-based) read per check: lru-cache's default reads
      // performance.now() and re-arms a timer every ttlResolution ms to reuse it (~3% of a cache hit's CPU).
      perf: WALL_CLOCK,
      ttlResolution: 0,
      dispose: (entry, key, reason) => {
        for (const t of entry.tags) this.#tags.get(t)?.delete(key);
        if (reason === "evict" || reason === "expire") onEvict?.(key, reason);
      },
    });
  }

  get(key: string): L1Entry | undefined {
    return this.#lru.get(key);
  }

  set(key: string, entry: L1Entry, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.#lru.set(key, entry, { ttl: ttlMs });
    for (const t of entry.tags) {
      let set = this.#tags.get(t);
      if (!set) this.#tags.set(t, set = new Set());
      set.add(key);
    }
  }

  delete(keys: Iterable<string>): number {
    let n = 0;
    for (const k of keys) n += Number(this.#lru.delete(k));
    return n;
  }

  keysForTag(tag: string): string[] {
    return [...(this.#tags.get(tag) ?? [])];
  }

  deleteTags(tags: string[]): string[] {
    const keys = tags.flatMap((t) => this.keysForTag(t));
    this.delete(keys);
    for (const t of tags) this.#tags.delete(t);
    return keys;
  }

  clear(prefix: string): number {
    const keys = [...this.#lru.keys()].filter((k) => k.startsWith(prefix));
    return this.delete(keys);
  }

  get entries(): number {
    return this.#lru.size;
  }

  get bytes(): number {
    return this.#lru.calculatedSize;
  }
}
