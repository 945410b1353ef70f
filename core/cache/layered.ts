/** @module The multi-tier orchestrator: L1 memory → L2 shared → compute, with single-flight, a distributed
 * lock, stale-while-revalidate, tag/namespace invalidation over a bus, and fail-soft L2. */
import { decodeEntry, encodeEntry } from "./codec.ts";
import { type L1Entry, MemoryTier, type MemoryTierOptions } from "./drivers/memory.ts";
import { kindOf, lockKey, NAMESPACE } from "./keys.ts";
import { CacheStats } from "./stats.ts";
import { withSpan } from "../obs/tracing.ts";
import type { BusMessage, CacheBus, CacheOptions, CacheResult, DistributedLock, L2Driver } from "./types.ts";
import type { CacheEvent, ObservableCache } from "../types.ts";

export interface LayeredCacheOptions {
  l1?: MemoryTierOptions;
  l2?: L2Driver;
  lock?: DistributedLock;
  bus?: CacheBus;
  defaultTtlMs?: number;
  defaultL1TtlMs?: number;
  defaultGraceMs?: number;
  /** How long a computing instance holds the cross-instance lock. */
  lockTtlMs?: number;
  /** After an L2 failure, skip L2 for this long before trying again. */
  l2RetryMs?: number;
  /** Longest wait for any single L2 operation before degrading. */
  l2TimeoutMs?: number;
  log?: (level: "warn" | "info", msg: string, fields?: Record<string, unknown>) => void;
}

class L2Unavailable extends Error {}

export class LayeredCache implements ObservableCache {
  readonly id = crypto.randomUUID().slice(0, 8);
  readonly l1: MemoryTier;
  readonly l2?: L2Driver;
  readonly stats = new CacheStats();
  readonly #lock?: DistributedLock;
  readonly #bus?: CacheBus;
  readonly #flights = new Map<string, Promise<CacheResult<unknown>>>();
  readonly #refreshing = new Set<string>();
  readonly #o: Required<Omit<LayeredCacheOptions, "l1" | "l2" | "lock" | "bus">>;
  #l2DownUntil = 0;
  #incident = false;

  constructor(opts: LayeredCacheOptions = {}) {
    this.#o = {
      defaultTtlMs: opts.defaultTtlMs ?? 3_600_000,
      defaultL1TtlMs: opts.defaultL1TtlMs ?? 600_000,
      defaultGraceMs: opts.defaultGraceMs ?? 0,
      lockTtlMs: opts.lockTtlMs ?? 10_000,
      l2RetryMs: opts.l2RetryMs ?? 500,
      l2TimeoutMs: opts.l2TimeoutMs ?? 300,
      log: opts.log ?? (() => {}),
    };
    this.l1 = new MemoryTier({ ...opts.l1, onEvict: (key) => this.stats.record("l1", kindOf(key), "evict") });
    this.l2 = opts.l2;
    this.#lock = opts.lock;
    this.#bus = opts.bus;
  }

  /** Subscribes to the invalidation bus (call once after construction). */
  async start(): Promise<void> {
    await this.#bus?.subscribe((m) => this.#onBus(m));
  }

  get l2Healthy(): boolean {
    return !!this.l2 && Date.now() >= this.#l2DownUntil;
  }

  /**
   * The fresh L1 value of `key`, counted exactly as a getOrCompute hit would be (tier stats, hit rate, hot
   * keys); undefined when absent or stale — nothing is counted then and the caller takes the full path.
   */
  peekFresh(key: string, label?: string): unknown {
    const t0 = performance.now();
    const hit = this.l1.get(key);
    if (!hit || hit.expiresAt <= Date.now()) return undefined;
    const kind = kindOf(key);
    this.stats.record("l1", kind, "hit", performance.now() - t0);
    this.stats.request(kind, true, key, label);
    return hit.value;
  }

  /** Read-through: L1 → L2 → compute (once across instances), writing through to both tiers. */
  async getOrCompute<T>(
    key: string,
    compute: () => Promise<T>,
    opts: CacheOptions = {},
  ): Promise<CacheResult<T>> {
    const kind = kindOf(key);
    if (opts.bypass) {
      const value = await compute();
      this.stats.computations++;
      return { value, tier: "compute" };
    }
    const now = Date.now();
    const t0 = performance.now();
    const hit = this.l1.get(key);
    if (hit) {
      this.stats.record("l1", kind, "hit", performance.now() - t0);
      if (hit.expiresAt > now) {
        this.stats.request(kind, true, key, opts.label);
        return { value: hit.value as T, tier: "l1" };
      }
      // Stale but within grace: serve it and refresh once in the background.
      this.stats.staleServed++;
      this.stats.request(kind, true, key, opts.label);
      this.#refresh(key, compute, opts);
      return { value: hit.value as T, tier: "l1", stale: true };
    }
    this.stats.record("l1", kind, "miss", performance.now() - t0);
    const inFlight = this.#flights.get(key) as Promise<CacheResult<T>> | undefined;
    if (inFlight) {
      const r = await inFlight;
      this.stats.request(kind, true, key, opts.label);
      return { ...r, tier: r.tier === "compute" ? "l1" : r.tier };
    }
    const flight = this.#readThrough(key, compute, opts).finally(() => this.#flights.delete(key));
    this.#flights.set(key, flight as Promise<CacheResult<unknown>>);
    const r = await flight;
    this.stats.request(kind, r.tier !== "compute", key, opts.label);
    return r;
  }

  async #readThrough<T>(key: string, compute: () => Promise<T>, opts: CacheOptions): Promise<CacheResult<T>> {
    const fromL2 = await this.#readL2(key);
    if (fromL2) {
      if (fromL2.e > Date.now()) return { value: fromL2.v as T, tier: "l2" };
      this.stats.staleServed++;
      this.#refresh(key, compute, opts);
      return { value: fromL2.v as T, tier: "l2", stale: true };
    }
    return await this.#computeOnce(key, compute, opts);
  }

  /** One computation across instances: the lock holder computes, others wait for its write. */
  async #computeOnce<T>(key: string, compute: () => Promise<T>, opts: CacheOptions): Promise<CacheResult<T>> {
    if (!this.#lock || !this.l2Healthy) return await this.#computeAndStore(key, compute, opts);
    const lk = lockKey(key);
    const deadline = Date.now() + this.#o.lockTtlMs + 500;
    let waited = false;
    while (Date.now() < deadline) {
      let token: string | null;
      try {
        token = await this.#l2op(() => this.#lock!.acquire(lk, this.#o.lockTtlMs));
      } catch {
        return await this.#computeAndStore(key, compute, opts); // lock tier gone: compute locally
      }
      if (token) {
        try {
          // Someone may have written between our L2 miss and taking the lock.
          const late = waited ? await this.#readL2(key) : null;
          if (late && late.e > Date.now()) return { value: late.v as T, tier: "l2" };
          return await this.#computeAndStore(key, compute, opts);
        } finally {
          this.#l2op(() => this.#lock!.release(lk, token!)).catch(() => {});
        }
      }
      if (!waited) this.stats.lockWaits++;
      waited = true;
      await sleep(8 + Math.random() * 12);
      const entry = await this.#readL2(key, false);
      if (entry && entry.e > Date.now()) return { value: entry.v as T, tier: "l2" };
      if (!this.l2Healthy) return await this.#computeAndStore(key, compute, opts);
    }
    return await this.#computeAndStore(key, compute, opts);
  }

  async #computeAndStore<T>(
    key: string,
    compute: () => Promise<T>,
    opts: CacheOptions,
  ): Promise<CacheResult<T>> {
    const value = await compute();
    this.stats.computations++;
    if (!opts.cacheable || opts.cacheable(value)) await this.set(key, value, opts);
    return { value, tier: "compute" };
  }

  #refresh<T>(key: string, compute: () => Promise<T>, opts: CacheOptions) {
    if (this.#refreshing.has(key)) return;
    this.#refreshing.add(key);
    this.#computeOnce(key, compute, opts).catch(() => {}).finally(() => this.#refreshing.delete(key));
  }

  /** Write-through to L1 and L2 with per-tier TTLs; tells other instances to drop their stale L1 copy. */
  async set(key: string, value: unknown, opts: CacheOptions = {}): Promise<void> {
    const kind = kindOf(key);
    const ttl = opts.ttlMs ?? this.#o.defaultTtlMs;
    const grace = opts.graceMs ?? this.#o.defaultGraceMs;
    const now = Date.now();
    const tags = typeof opts.tags === "function" ? opts.tags(value) : opts.tags ?? [];
    const entry = { v: value, e: now + ttl, s: now + ttl + grace, t: tags };
    let bytes: Uint8Array | undefined;
    if (this.l2Healthy) {
      try {
        bytes = encodeEntry(entry);
        const t0 = performance.now();
        await withSpan(
          "cache.l2.set",
          { "cache.kind": kind, "cache.driver": this.l2!.name },
          () => this.#l2op(() => this.l2!.set(key, bytes!, ttl + grace, tags)),
        );
        this.stats.record("l2", kind, "set", performance.now() - t0);
        this.#bus &&
          this.#l2op(() => this.#bus!.publish({ op: "evict", origin: this.id, keys: [key] })).catch(() => {});
      } catch (e) {
        if (!(e instanceof L2Unavailable)) this.stats.record("l2", kind, "error");
      }
    }
    const l1Ttl = Math.min(opts.l1TtlMs ?? this.#o.defaultL1TtlMs, ttl);
    const l1: L1Entry = {
      value,
      tags,
      expiresAt: now + l1Ttl,
      staleUntil: now + l1Ttl + grace,
      size: bytes?.byteLength ?? approxSize(value),
    };
    this.l1.set(key, l1, l1Ttl + grace);
    this.stats.record("l1", kind, "set");
  }

  async #readL2(
    key: string,
    count = true,
  ): Promise<{ v: unknown; e: number; s: number; t: string[] } | null> {
    if (!this.l2Healthy) return null;
    const kind = kindOf(key);
    const t0 = performance.now();
    let bytes: Uint8Array | null;
    try {
      bytes = await withSpan(
        "cache.l2.get",
        { "cache.kind": kind, "cache.driver": this.l2!.name },
        () => this.#l2op(() => this.l2!.get(key)),
      );
    } catch (e) {
      if (!(e instanceof L2Unavailable)) this.stats.record("l2", kind, "error");
      return null;
    }
    const ms = performance.now() - t0;
    if (!bytes) {
      if (count) this.stats.record("l2", kind, "miss", ms);
      return null;
    }
    const entry = decodeEntry(bytes);
    if (!entry || entry.s <= Date.now()) {
      // Foreign, corrupted or expired value under our namespace: a miss, and removed so it cannot linger.
      if (!entry) this.#o.log("warn", "cache: undecodable value in L2 treated as a miss", { key });
      this.#l2op(() => this.l2!.delete([key])).catch(() => {});
      if (count) this.stats.record("l2", kind, "miss", ms);
      return null;
    }
    if (count) this.stats.record("l2", kind, "hit", ms);
    // Promote to L1 for the rest of its freshness.
    const remaining = Math.min(entry.e - Date.now(), this.#o.defaultL1TtlMs);
    if (remaining > 0) {
      this.l1.set(key, {
        value: entry.v,
        tags: entry.t,
        expiresAt: Date.now() + remaining,
        staleUntil: entry.s,
        size: bytes.byteLength,
      }, remaining + (entry.s - entry.e));
    }
    return entry;
  }

  /** Runs an L2 operation with a time bound; marks L2 down on failure (logged once per incident). */
  async #l2op<R>(op: () => Promise<R>): Promise<R> {
    if (!this.l2 || Date.now() < this.#l2DownUntil) throw new L2Unavailable();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const r = await Promise.race([
        op(),
        new Promise<never>((_, rej) =>
          timer = setTimeout(() => rej(new Error("L2 operation timed out")), this.#o.l2TimeoutMs)
        ),
      ]);
      if (this.#incident) {
        this.#incident = false;
        this.#o.log("info", "cache: L2 recovered", { tier: this.l2.name });
      }
      return r;
    } catch (e) {
      this.#l2DownUntil = Date.now() + this.#o.l2RetryMs;
      if (!this.#incident) {
        this.#incident = true;
        this.#o.log("warn", "cache: L2 unavailable, serving from L1/compute", {
          tier: this.l2.name,
          error: String((e as Error)?.message ?? e),
        });
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Removes keys everywhere (this L1, L2, and every other instance's L1). */
  async invalidateKeys(keys: string[]): Promise<number> {
    const n = this.l1.delete(keys);
    let m = 0;
    try {
      m = await this.#l2op(() => this.l2!.delete(keys));
    } catch { /* L2 down: its TTL bounds staleness */ }
    await this.#publish({ op: "evict", origin: this.id, keys });
    return Math.max(n, m);
  }

  /** Removes exactly the entries carrying any of the tags, on every tier and instance. */
  async invalidateTags(tags: string[]): Promise<number> {
    const local = this.l1.deleteTags(tags);
    const removed = new Set(local);
    for (const t of tags) {
      try {
        for (const k of await this.#l2op(() => this.l2!.deleteTag(t))) removed.add(k);
      } catch { /* L2 down */ }
    }
    this.l1.delete(removed);
    await this.#publish({ op: "evict_tags", origin: this.id, tags });
    if (removed.size) await this.#publish({ op: "evict", origin: this.id, keys: [...removed] });
    return removed.size;
  }

  /** Flushes a namespace (kind), e.g. "query" or "tool", or everything with "*". */
  async flush(kind = "*"): Promise<number> {
    const prefix = kind === "*" ? `${NAMESPACE}:` : `${NAMESPACE}:${kind}:`;
    let n = this.l1.clear(prefix);
    try {
      n = Math.max(n, await this.#l2op(() => this.l2!.clear(prefix)));
    } catch { /* L2 down */ }
    await this.#publish({ op: "clear", origin: this.id, prefix });
    return n;
  }

  async #publish(msg: BusMessage) {
    if (!this.#bus) return;
    try {
      await this.#l2op(() => this.#bus!.publish(msg));
    } catch { /* best effort */ }
  }

  #onBus(m: BusMessage) {
    if (m.origin === this.id) return;
    if (m.op === "evict") this.l1.delete(m.keys);
    else if (m.op === "evict_tags") this.l1.deleteTags(m.tags);
    else if (m.op === "clear") this.l1.clear(m.prefix);
  }

  /** Subscribes to every cache observation (metrics, logs): the cache emits, observers decide what to keep. */
  onEvent(listener: (e: CacheEvent) => void): void {
    this.stats.observe(listener);
  }

  size(): { l1_entries: number; l1_bytes: number; l2: boolean; l2_healthy: boolean } {
    return {
      l1_entries: this.l1.entries,
      l1_bytes: this.l1.bytes,
      l2: !!this.l2,
      l2_healthy: this.l2Healthy,
    };
  }

  async statsSnapshot() {
    let l2Keys: number | null = null;
    if (this.l2?.size && this.l2Healthy) {
      try {
        l2Keys = await this.#l2op(() => this.l2!.size!());
      } catch { /* unknown */ }
    }
    return this.stats.snapshot({
      l1: { entries: this.l1.entries, bytes: this.l1.bytes },
      l2: this.l2 ? { driver: this.l2.name, healthy: this.l2Healthy, keys: l2Keys } : null,
      bus: !!this.#bus,
      distributed_lock: !!this.#lock,
    });
  }

  async close(): Promise<void> {
    await this.#bus?.close();
    await this.l2?.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function approxSize(v: unknown): number {
  try {
    return JSON.stringify(v)?.length ?? 64;
  } catch {
    return 1024;
  }
}
