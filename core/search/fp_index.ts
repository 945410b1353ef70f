/** @module FingerprintIndex: exact Tanimoto threshold and top-k search over packed Morgan fingerprints, rows
 * sorted by popcount in one SharedArrayBuffer that every search worker reads (see docs/search.md). */
import { FP_BITS, FP_WORDS, popcount } from "../chem/fingerprint.ts";
import { ChemAgentError } from "../errors.ts";
import {
  type Block,
  blockViews,
  HEADER_WORDS,
  mergeHits,
  scan,
  type ScanResult,
  ScanStopped,
} from "./kernel.ts";
import { CANCEL_SLOTS, type InitMessage, type SearchMessage, type SearchReply } from "./protocol.ts";

export interface IndexOptions {
  /** Search workers sharing the block (default: the number of cores, at most 4). 0 scans on the caller's thread. */
  workers?: number;
  /** Indexes with fewer rows scan on the caller's thread (default 20,000): a worker round trip costs more. */
  inlineBelow?: number;
  /** The worker module (tests substitute a failing one). */
  workerUrl?: URL;
}

export interface SearchOptions {
  /** Most hits returned (the best ones, in result order). */
  limit?: number;
  signal?: AbortSignal;
  /** Deadline in ms (rejects with `timeout`). */
  timeoutMs?: number;
}

export interface TopKOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Only neighbours at least this similar (default 0: the k nearest, whatever their score). */
  threshold?: number;
}

/** A hit: the row's position in the fingerprints given to build(), and its Tanimoto similarity. */
export interface Hit {
  row: number;
  similarity: number;
}

interface Pending {
  msg: SearchMessage;
  resolve(r: ScanResult): void;
  reject(e: Error): void;
}

interface Lane {
  worker: Worker;
  /** Jobs waiting for this worker's reply (a cancelled job leaves this map at once). */
  pending: Map<number, Pending>;
  /** Job ids posted, in order: a worker answers in order, so the first one is the job it is running. */
  sent: number[];
}

const WORKER_URL = new URL("./worker.ts", import.meta.url);
let nextJob = 1;

export class FingerprintIndex {
  readonly #buffer: SharedArrayBuffer;
  readonly #block: Block;
  readonly #cancel = new SharedArrayBuffer(CANCEL_SLOTS * 4);
  readonly #workers: number;
  readonly #workerUrl: URL;
  #lanes: Lane[] | null = null;
  #closed = false;

  private constructor(buffer: SharedArrayBuffer, n: number, opts: IndexOptions) {
    this.#buffer = buffer;
    this.#block = blockViews(buffer, n);
    const inline = n < (opts.inlineBelow ?? 20_000);
    this.#workers = inline ? 0 : Math.max(0, opts.workers ?? Math.min(4, navigator.hardwareConcurrency || 2));
    this.#workerUrl = opts.workerUrl ?? WORKER_URL;
  }

  /** Indexes `fps` (n × FP_WORDS packed words, row i at i × FP_WORDS); hits name rows by that position. */
  static build(fps: Uint32Array, opts: IndexOptions = {}): FingerprintIndex {
    if (fps.length % FP_WORDS !== 0) {
      throw new ChemAgentError(
        "invalid_parameter",
        `fingerprints must be whole rows of ${FP_WORDS} words (got ${fps.length} words)`,
      );
    }
    const n = fps.length / FP_WORDS;
    const counts = new Uint16Array(n);
    const binStart = new Uint32Array(HEADER_WORDS);
    for (let r = 0; r < n; r++) {
      counts[r] = popcount(fps, r * FP_WORDS);
      binStart[counts[r] + 1]++;
    }
    for (let c = 1; c < HEADER_WORDS; c++) binStart[c] += binStart[c - 1];
    const buffer = new SharedArrayBuffer((HEADER_WORDS + n + n * FP_WORDS) * 4);
    const block = blockViews(buffer, n);
    block.binStart.set(binStart);
    // Counting sort by popcount, stable in input order; words stored column-major (see kernel.ts).
    const next = binStart.slice(0, FP_BITS + 1);
    const { order, words } = block;
    for (let r = 0; r < n; r++) order[next[counts[r]]++] = r;
    // Transposed in blocks of rows that stay in cache, writing each column sequentially.
    for (let p0 = 0; p0 < n; p0 += 256) {
      const p1 = Math.min(n, p0 + 256);
      for (let w = 0; w < FP_WORDS; w++) {
        const col = w * n;
        for (let p = p0; p < p1; p++) words[col + p] = fps[order[p] * FP_WORDS + w];
      }
    }
    return new FingerprintIndex(buffer, n, opts);
  }

  /** Same as build() from one Uint32Array of FP_WORDS words per row. */
  static fromRows(rows: ArrayLike<Uint32Array>, opts: IndexOptions = {}): FingerprintIndex {
    const fps = new Uint32Array(rows.length * FP_WORDS);
    for (let i = 0; i < rows.length; i++) {
      if (rows[i].length !== FP_WORDS) {
        throw new ChemAgentError(
          "invalid_parameter",
          `row ${i} has ${rows[i].length} words, not ${FP_WORDS}`,
        );
      }
      fps.set(rows[i], i * FP_WORDS);
    }
    return FingerprintIndex.build(fps, opts);
  }

  /** Rows indexed. */
  get size(): number {
    return this.#block.n;
  }

  /** Bytes held by the index (the one shared block: rows, their order and the bin table). */
  get memoryBytes(): number {
    return this.#buffer.byteLength;
  }

  /** Bits set in a row (by its build() position). */
  bitsOf(row: number): number {
    return popcount(this.fingerprintOf(row));
  }

  /** The fingerprint of a row (by its build() position), copied. */
  fingerprintOf(row: number): Uint32Array {
    const { order, words, n } = this.#block;
    if (!(row >= 0 && row < n)) throw new ChemAgentError("invalid_parameter", `no row ${row} in this index`);
    if (!this.#positions) {
      this.#positions = new Uint32Array(n);
      for (let p = 0; p < n; p++) this.#positions[order[p]] = p;
    }
    const p = this.#positions[row];
    const fp = new Uint32Array(FP_WORDS);
    for (let w = 0; w < FP_WORDS; w++) fp[w] = words[w * n + p];
    return fp;
  }
  #positions: Uint32Array | null = null;

  /** Rows with Tanimoto ≥ t, by similarity descending then row ascending; `limit` keeps the best ones. */
  threshold(query: Uint32Array, t: number, opts: SearchOptions = {}): Promise<Hit[]> {
    return this.#search(query, t, opts.limit ?? Infinity, opts);
  }

  /** The k most similar rows (similarity descending, then row ascending), optionally only those ≥ threshold. */
  topK(query: Uint32Array, k: number, opts: TopKOptions = {}): Promise<Hit[]> {
    return this.#search(query, opts.threshold ?? 0, k, opts);
  }

  /** Stops the workers; later searches reject. */
  close(): void {
    this.#closed = true;
    for (const l of this.#lanes ?? []) {
      l.worker.terminate();
      for (const p of l.pending.values()) p.reject(new ChemAgentError("cancelled", "The index was closed."));
    }
    this.#lanes = null;
  }

  async #search(
    query: Uint32Array,
    t: number,
    k: number,
    opts: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<Hit[]> {
    if (this.#closed) throw new ChemAgentError("upstream_unavailable", "The fingerprint index is closed.");
    if (!(query instanceof Uint32Array) || query.length !== FP_WORDS) {
      throw new ChemAgentError("invalid_parameter", `a query fingerprint is ${FP_WORDS} Uint32 words`);
    }
    if (!(t >= 0 && t <= 1)) {
      throw new ChemAgentError("invalid_parameter", "threshold must be between 0 and 1");
    }
    if (!(k === Infinity || (Number.isInteger(k) && k >= 0))) {
      throw new ChemAgentError("invalid_parameter", "k / limit must be a whole number ≥ 0");
    }
    if (opts.signal?.aborted) throw cancelled();
    const started = performance.now();
    const deadline = opts.timeoutMs ?? Infinity;
    if (this.#workers === 0) {
      const stop = () => !!opts.signal?.aborted || performance.now() - started > deadline;
      try {
        return mergeHits([scan(this.#block, { query, t, k, part: 0, parts: 1 }, stop)], k);
      } catch (e) {
        if (e instanceof ScanStopped) throw opts.signal?.aborted ? cancelled() : timedOut(deadline);
        throw e;
      }
    }
    const lanes = this.#ensureLanes();
    const id = nextJob++;
    const q = Uint32Array.from(query);
    const parts = lanes.map((lane, part) =>
      new Promise<ScanResult>((resolve, reject) => {
        const msg: SearchMessage = { op: "search", id, query: q, t, k, part, parts: lanes.length };
        lane.pending.set(id, { msg, resolve, reject });
        lane.sent.push(id);
        lane.worker.postMessage(msg);
      })
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      const stop = (e: Error) => {
        Atomics.store(new Int32Array(this.#cancel), id % CANCEL_SLOTS, id);
        for (const l of lanes) l.pending.delete(id);
        reject(e);
      };
      if (deadline !== Infinity) timer = setTimeout(() => stop(timedOut(deadline)), deadline);
      if (opts.signal) {
        onAbort = () => stop(cancelled());
        opts.signal.addEventListener("abort", onAbort, { once: true });
      }
    });
    try {
      return mergeHits(await Promise.race([Promise.all(parts), stopped]), k);
    } catch (e) {
      Atomics.store(new Int32Array(this.#cancel), id % CANCEL_SLOTS, id); // a failed part: stop the others
      for (const l of lanes) l.pending.delete(id);
      throw e;
    } finally {
      clearTimeout(timer);
      if (onAbort) opts.signal?.removeEventListener("abort", onAbort);
    }
  }

  #ensureLanes(): Lane[] {
    this.#lanes ??= Array.from({ length: this.#workers }, () => this.#spawn());
    return this.#lanes;
  }

  #spawn(): Lane {
    const worker = new Worker(this.#workerUrl, { type: "module" });
    const lane: Lane = { worker, pending: new Map(), sent: [] };
    worker.postMessage(
      { op: "init", buffer: this.#buffer, n: this.#block.n, cancel: this.#cancel } satisfies InitMessage,
    );
    worker.onmessage = (e: MessageEvent<SearchReply>) => {
      const msg = e.data;
      while (lane.sent.length && lane.sent.shift() !== msg.id) { /* replies come in order */ }
      const p = lane.pending.get(msg.id);
      if (!p) return; // cancelled or timed out meanwhile
      lane.pending.delete(msg.id);
      if (msg.ok) p.resolve({ rows: msg.rows, sims: msg.sims });
      else p.reject(new ChemAgentError("internal", `fingerprint search failed: ${msg.message}`));
    };
    worker.onerror = (e) => {
      // A dead worker fails the search it was running, never the process; a fresh worker takes its place
      // and gets the searches that were queued behind it.
      e.preventDefault();
      worker.terminate();
      const culprit = lane.sent[0];
      const failed = lane.pending.get(culprit);
      lane.pending.delete(culprit);
      failed?.reject(
        new ChemAgentError("internal", "A fingerprint search worker failed; the search was stopped."),
      );
      if (this.#closed || !this.#lanes) return;
      const i = this.#lanes.indexOf(lane);
      if (i < 0) return;
      const fresh = this.#spawn();
      this.#lanes[i] = fresh;
      for (const [id, p] of lane.pending) {
        fresh.pending.set(id, p);
        fresh.sent.push(id);
        fresh.worker.postMessage(p.msg);
      }
      lane.pending.clear();
    };
    return lane;
  }
}

const cancelled = () => new ChemAgentError("cancelled", "The search was cancelled.");
const timedOut = (ms: number) =>
  new ChemAgentError("timeout", `The search took longer than ${ms} ms and was stopped.`);
