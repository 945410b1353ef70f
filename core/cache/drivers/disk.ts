/** @module L2 on local disk for single-machine deployments: one file per key, size-bounded (oldest evicted). */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { L2Driver } from "../types.ts";

interface Meta {
  expiresAt: number;
  tags: string[];
  size: number;
  at: number;
}

/** Files are named by the key's hash part; an index in memory tracks sizes, expiry and tags. */
export class DiskTier implements L2Driver {
  readonly name = "disk";
  readonly #index = new Map<string, Meta>();
  #bytes = 0;
  #ready: Promise<void>;

  constructor(private readonly dir: string, private readonly maxBytes = 256 * 1024 * 1024) {
    this.#ready = this.#load();
  }

  #file(key: string) {
    return join(this.dir, encodeURIComponent(key) + ".bin");
  }

  async #load() {
    await mkdir(this.dir, { recursive: true });
    // Entries from an earlier run are readable but carry no index: they are removed (cheap and safe).
    for (const f of await readdir(this.dir)) {
      if (f.endsWith(".bin") || f.endsWith(".tmp")) await rm(join(this.dir, f), { force: true });
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    await this.#ready;
    const m = this.#index.get(key);
    if (!m) return null;
    if (m.expiresAt <= Date.now()) {
      await this.delete([key]);
      return null;
    }
    try {
      m.at = Date.now();
      return new Uint8Array(await readFile(this.#file(key)));
    } catch {
      this.#forget(key);
      return null;
    }
  }

  async set(key: string, value: Uint8Array, ttlMs: number, tags: string[]): Promise<void> {
    await this.#ready;
    const tmp = this.#file(key) + "." + crypto.randomUUID().slice(0, 8) + ".tmp";
    await writeFile(tmp, value);
    await rename(tmp, this.#file(key)); // atomic replace: readers never see half a file
    this.#forget(key);
    this.#index.set(key, { expiresAt: Date.now() + ttlMs, tags, size: value.byteLength, at: Date.now() });
    this.#bytes += value.byteLength;
    await this.#evict();
  }

  async #evict() {
    if (this.#bytes <= this.maxBytes) return;
    const byAge = [...this.#index.entries()].sort((a, b) => a[1].at - b[1].at);
    for (const [key] of byAge) {
      if (this.#bytes <= this.maxBytes * 0.9) break;
      await this.delete([key]);
    }
  }

  #forget(key: string) {
    const m = this.#index.get(key);
    if (m) this.#bytes -= m.size;
    this.#index.delete(key);
  }

  async delete(keys: string[]): Promise<number> {
    await this.#ready;
    let n = 0;
    for (const k of keys) {
      if (!this.#index.has(k)) continue;
      this.#forget(k);
      await rm(this.#file(k), { force: true });
      n++;
    }
    return n;
  }

  async deleteTag(tag: string): Promise<string[]> {
    const keys = [...this.#index.entries()].filter(([, m]) => m.tags.includes(tag)).map(([k]) => k);
    await this.delete(keys);
    return keys;
  }

  async clear(prefix: string): Promise<number> {
    return await this.delete([...this.#index.keys()].filter((k) => k.startsWith(prefix)));
  }

  size(): Promise<number> {
    return Promise.resolve(this.#index.size);
  }

  get bytes(): number {
    return this.#bytes;
  }

  async close(): Promise<void> {
    await this.#ready;
    void stat;
  }
}
