/** @module A pool of killable RDKit workers: every chemistry call on user input runs here with a deadline. */
import { ChemAgentError, type ErrorBody } from "../errors.ts";
import { checkPattern, checkSmiles } from "./bounds.ts";
import type { Descriptors, MoleculeFacts } from "./engine.ts";
import type { TokenVerdict, WorkerReply, WorkerRequest } from "./protocol.ts";
import type { RawStructure } from "./standardize.ts";

/** One standardised record (or why it was refused), in the order given. */
export type StandardizedRow =
  | { smiles: string; descriptors: number[]; changes: string[]; error?: undefined }
  | { error: ErrorBody; smiles?: undefined };

/** A standardised batch: rows plus their packed fingerprints (FP_WORDS words per row, zero for refusals), RDKit
 * pattern fingerprints (pickles, row i at patternOffsets[i]..[i+1], empty for refusals) and substructure-key masks
 * (bit k: the row contains SUBSTRUCTURE_KEYS[k]). */
export interface StandardizedBatch {
  rows: StandardizedRow[];
  fps: Uint32Array;
  patternFps: Uint8Array;
  patternOffsets: Uint32Array;
  keys: Uint32Array;
}
import { preScreen, smilesCandidates, type SmilesChecker, VerdictChecker } from "./smiles_checker.ts";

/** Per-call options: a deadline (ms, default the pool's), a cancel signal, and whether the input is trusted. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Dataset structures skip the size limits (they are known to be safe); user input never does. */
  trusted?: boolean;
}

/** Substructure search options: which library (default: the one set without an id) and how many hits. */
export interface SubstructureOptions extends CallOptions {
  library?: string;
  /** Stop once this many hits are found: the first ones in library order (default: all). */
  maxResults?: number;
  /** Workers searching at once (default: all but one, which stays free for other requests). */
  lanes?: number;
}

/** RDKit pattern fingerprints of a library: one shared byte buffer, row i at offsets[i]..offsets[i+1]. */
export interface PatternFingerprints {
  fps: Uint8Array;
  offsets: Uint32Array;
}

export interface DepictOptions extends CallOptions {
  width?: number;
  height?: number;
  highlight?: string;
}

export interface PoolStats {
  size: number;
  busy: number;
  queued: number;
  /** Workers replaced so far, by reason. */
  restarts: { timeout: number; cancelled: number; crashed: number };
  /** A warm spare is waiting (the next replacement costs no RDKit start-up). */
  spare_ready: boolean;
  calls: number;
}

/** The asynchronous chemistry interface: every method runs in a worker and may be cancelled. */
export interface ChemService {
  readonly version: string;
  isValidSmiles(smiles: string, opts?: CallOptions): Promise<boolean>;
  canonical(smiles: string, opts?: CallOptions): Promise<string>;
  facts(smiles: string, opts?: CallOptions): Promise<MoleculeFacts>;
  descriptors(smiles: string, opts?: CallOptions): Promise<Descriptors>;
  fingerprint(smiles: string, opts?: CallOptions): Promise<Uint32Array>;
  /** Throws invalid_smiles / input_too_complex when the pattern cannot be used for substructure search. */
  checkQuery(pattern: string, opts?: CallOptions): Promise<void>;
  depict(smiles: string, opts?: DepictOptions): Promise<string>;
  /** Judges the SMILES-looking tokens of a question at once, for the synchronous parser. */
  smilesChecker(text: string, opts?: CallOptions): Promise<SmilesChecker>;
  /** Gives the pool the structures substructure search runs over (pattern fingerprints computed once unless
   * given); several libraries may be held, by id (default "dataset"). */
  setLibrary(smiles: string[], opts?: { id?: string; patternFps?: PatternFingerprints }): Promise<void>;
  /** Forgets a library (its workers free their RDKit structures). */
  dropLibrary(id: string): void;
  /** Pattern fingerprints of trusted structures, computed in a worker of their own (to store with a library). */
  patternFingerprints(smiles: string[]): Promise<PatternFingerprints>;
  /** Library rows containing the pattern, ascending; searched in chunks, deadline and cancel checked between
   * chunks; with maxResults, the first maxResults rows. */
  substructureSearch(pattern: string, opts?: SubstructureOptions): Promise<number[]>;
  /**
   * Standardises uploaded records (limits first, largest fragment, neutralised, canonical SMILES, descriptors,
   * fingerprint). A record that crashes RDKit is isolated and refused alone; the batch never fails for it.
   */
  standardize(records: RawStructure[], opts?: CallOptions): Promise<StandardizedBatch>;
  stats(): PoolStats;
  close(): void;
}

export interface ChemPoolOptions {
  /** Workers (default: the number of cores). */
  size?: number;
  /** Deadline of one call (ms, default 5,000). */
  timeoutMs?: number;
  /** Structures per substructure chunk (default 500). */
  chunkSize?: number;
}

interface Job {
  id: number;
  op: string;
  args: unknown;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer: ReturnType<typeof setTimeout>;
  signal?: AbortSignal;
  onAbort?: () => void;
  timeoutMs: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  whenReady: Promise<void>;
  job?: Job;
  /** Libraries this worker has been given. */
  libraries: Set<string>;
  dead: boolean;
}

const WORKER_URL = new URL("./worker.ts", import.meta.url);
const DEFAULT_LIBRARY = "dataset";

interface LibData {
  smiles: string[];
  fps: Uint8Array;
  offsets: Uint32Array;
}

/** Starts the pool and waits until one worker has loaded RDKit (the others warm up meanwhile). */
export async function createChemPool(opts: ChemPoolOptions = {}): Promise<ChemPool> {
  const pool = new ChemPool(opts);
  await pool.started;
  return pool;
}

export class ChemPool implements ChemService {
  version = "";
  readonly size: number;
  readonly timeoutMs: number;
  readonly chunkSize: number;
  readonly started: Promise<void>;
  #slots: Slot[] = [];
  #spare: Slot | null = null;
  #queue: Job[] = [];
  #nextId = 1;
  #closed = false;
  #oneOffs = new Set<Worker>();
  #calls = 0;
  #restarts = { timeout: 0, cancelled: 0, crashed: 0 };
  #libraries = new Map<string, { ready: Promise<LibData>; data?: LibData }>();
  #listeners: ((reason: "timeout" | "cancelled" | "crashed") => void)[] = [];
  #startFailures = 0;
  #failStart: (e: Error) => void = () => {};
  #firstReady: () => void = () => {};

  constructor(opts: ChemPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? navigator.hardwareConcurrency ?? 2);
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.chunkSize = opts.chunkSize ?? 500;
    // One worker first: the others and the spare compiling RDKit at the same time would slow it down (and
    // start-up with it) on a small machine; they start once it is ready.
    this.#slots.push(this.#spawn());
    this.started = new Promise<void>((resolve, reject) => {
      this.#firstReady = resolve;
      this.#failStart = (e) => {
        this.close();
        reject(e);
      };
    });
    this.started.then(() => {
      if (this.#closed) return;
      while (this.#slots.length < this.size) this.#slots.push(this.#spawn());
      this.#spare ??= this.#spawn();
    }, () => {});
  }

  /** Called on every worker replacement (metrics). */
  onRestart(fn: (reason: "timeout" | "cancelled" | "crashed") => void): void {
    this.#listeners.push(fn);
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_URL, { type: "module" });
    let markReady!: () => void;
    const slot: Slot = {
      worker,
      ready: false,
      whenReady: new Promise<void>((r) => markReady = r),
      libraries: new Set(),
      dead: false,
    };
    worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const msg = e.data;
      if (msg.ready) {
        this.version ||= msg.version;
        this.#startFailures = 0;
        slot.ready = true;
        markReady();
        this.#firstReady();
        this.#dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      slot.job = undefined;
      this.#settle(job);
      if (msg.ok) job.resolve(msg.value);
      else {
        job.reject(toError(msg.error));
        if (msg.fatal) {
          this.#replace(slot, "crashed");
          return;
        }
      }
      this.#dispatch();
    };
    worker.onerror = (e) => {
      e.preventDefault();
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        this.#settle(job);
        job.reject(new ChemAgentError("input_too_complex", "The chemistry engine failed on this structure."));
      }
      if (!slot.ready) {
        // Failed while starting (a broken install): retry a few times, slowly, then give up loudly.
        slot.dead = true;
        worker.terminate();
        if (++this.#startFailures >= 3) {
          this.#failStart(new Error(`chemistry workers cannot start: ${e.message}`));
          return;
        }
        if (!this.#closed) setTimeout(() => this.#replace(slot, "crashed"), 500);
        return;
      }
      this.#replace(slot, "crashed");
    };
    return slot;
  }

  /** Terminates a worker (whatever it is doing) and puts the warm spare in its place. */
  #replace(slot: Slot, reason: "timeout" | "cancelled" | "crashed"): void {
    if (!slot.dead) {
      slot.dead = true;
      slot.worker.terminate();
    }
    const i = this.#slots.indexOf(slot);
    if (i < 0 || this.#closed) return;
    this.#restarts[reason]++;
    for (const l of this.#listeners) l(reason);
    this.#slots[i] = this.#spare ?? this.#spawn();
    this.#spare = this.#spawn();
    this.#dispatch();
  }

  #settle(job: Job): void {
    clearTimeout(job.timer);
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
  }

  #dispatch(): void {
    while (this.#queue.length) {
      const slot = this.#slots.find((s) => s.ready && !s.job && !s.dead);
      if (!slot) return;
      const job = this.#queue.shift()!;
      slot.job = job;
      const lib = job.op === "match" ? (job.args as { library: string }).library : "";
      const data = lib ? this.#libraries.get(lib)?.data : undefined;
      if (data && !slot.libraries.has(lib)) {
        // A new or replaced worker gets the structures before its first search (shared memory, cheap).
        slot.libraries.add(lib);
        slot.worker.postMessage(
          { id: 0, op: "library", args: { id: lib, ...data, chunk: this.chunkSize } } satisfies WorkerRequest,
        );
      }
      slot.worker.postMessage({ id: job.id, op: job.op, args: job.args } satisfies WorkerRequest);
    }
  }

  /** Runs one operation in a worker; on deadline or cancel the worker is killed and replaced. */
  run<T>(op: string, args: unknown, opts: CallOptions = {}): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new ChemAgentError("upstream_unavailable", "Chemistry is shut down."));
    }
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(cancelled());
    this.#calls++;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        id: this.#nextId++,
        op,
        args,
        resolve: resolve as (v: unknown) => void,
        reject,
        timeoutMs,
        signal,
        timer: setTimeout(() => this.#abandon(job, "timeout"), timeoutMs),
      };
      if (signal) {
        job.onAbort = () => this.#abandon(job, "cancelled");
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  #abandon(job: Job, reason: "timeout" | "cancelled"): void {
    this.#settle(job);
    job.reject(
      reason === "timeout"
        ? new ChemAgentError(
          "timeout",
          `The chemistry calculation took longer than ${job.timeoutMs} ms and was stopped.`,
        )
        : cancelled(),
    );
    const q = this.#queue.indexOf(job);
    if (q >= 0) {
      this.#queue.splice(q, 1);
      return;
    }
    const slot = this.#slots.find((s) => s.job === job);
    if (slot) {
      slot.job = undefined;
      this.#replace(slot, reason);
    }
  }

  /** Limits first (user input only); methods are async so a refusal is a rejected promise, never a throw. */
  #user(smiles: string, opts: CallOptions): void {
    if (!opts.trusted) checkSmiles(smiles);
  }

  async isValidSmiles(smiles: string, opts: CallOptions = {}): Promise<boolean> {
    try {
      await this.canonical(smiles, opts);
      return true;
    } catch (e) {
      if (e instanceof ChemAgentError && (e.code === "timeout" || e.code === "cancelled")) throw e;
      return false;
    }
  }

  async canonical(smiles: string, opts: CallOptions = {}): Promise<string> {
    this.#user(smiles, opts);
    return await this.run("canonical", smiles, opts); // async: a refusal in #user rejects, never throws
  }

  async facts(smiles: string, opts: CallOptions = {}): Promise<MoleculeFacts> {
    this.#user(smiles, opts);
    return await this.run("facts", smiles, opts); // async: a refusal in #user rejects, never throws
  }

  async descriptors(smiles: string, opts: CallOptions = {}): Promise<Descriptors> {
    this.#user(smiles, opts);
    return await this.run("descriptors", smiles, opts); // async: a refusal in #user rejects, never throws
  }

  async fingerprint(smiles: string, opts: CallOptions = {}): Promise<Uint32Array> {
    this.#user(smiles, opts);
    return await this.run("fingerprint", smiles, opts); // async: a refusal in #user rejects, never throws
  }

  async checkQuery(pattern: string, opts: CallOptions = {}): Promise<void> {
    checkPattern(pattern);
    await this.run("checkQuery", pattern, opts);
  }

  async depict(smiles: string, opts: DepictOptions = {}): Promise<string> {
    this.#user(smiles, opts);
    if (opts.highlight) checkPattern(opts.highlight);
    const { signal: _s, timeoutMs: _t, trusted: _u, ...args } = opts;
    return await this.run("depict", { smiles, ...args }, opts);
  }

  async smilesChecker(text: string, opts: CallOptions = {}): Promise<SmilesChecker> {
    const { refused, toCheck } = preScreen(smilesCandidates(text));
    const verdicts = new Map<string, TokenVerdict | ChemAgentError>(refused);
    if (toCheck.length) {
      const found = await this.run<TokenVerdict[]>("verdicts", toCheck, opts);
      toCheck.forEach((t, i) => verdicts.set(t, found[i]));
    }
    return new VerdictChecker(verdicts);
  }

  setLibrary(smiles: string[], opts: { id?: string; patternFps?: PatternFingerprints } = {}): Promise<void> {
    const id = opts.id ?? DEFAULT_LIBRARY;
    let entry = this.#libraries.get(id);
    if (!entry) {
      // A one-off worker computes the fingerprints (seconds of work) so the serving workers stay free.
      const fps = opts.patternFps ? Promise.resolve(opts.patternFps) : this.patternFingerprints(smiles);
      const e: { ready: Promise<LibData>; data?: LibData } = {
        ready: fps.then(({ fps, offsets }) => e.data = { smiles, fps, offsets }),
      };
      this.#libraries.set(id, entry = e);
      e.ready.catch(() => this.#libraries.get(id) === e && this.#libraries.delete(id));
    }
    return entry.ready.then(() => {});
  }

  dropLibrary(id: string): void {
    if (!this.#libraries.delete(id)) return;
    for (const slot of this.#slots) {
      if (slot.libraries.delete(id) && !slot.dead) {
        slot.worker.postMessage({ id: 0, op: "dropLibrary", args: id } satisfies WorkerRequest);
      }
    }
  }

  async patternFingerprints(smiles: string[]): Promise<PatternFingerprints> {
    // Large libraries are split over one-off workers (one per core), then joined into one shared buffer.
    const parts = smiles.length < 5_000 ? 1 : this.size;
    const size = Math.ceil(smiles.length / parts);
    const done = await Promise.all(
      Array.from(
        { length: parts },
        (_, i) => this.#oneOff<PatternFingerprints>("patternFps", smiles.slice(i * size, (i + 1) * size)),
      ),
    );
    if (parts === 1) return done[0];
    const offsets = new Uint32Array(new SharedArrayBuffer(4 * (smiles.length + 1)));
    const fps = new Uint8Array(new SharedArrayBuffer(done.reduce((n, d) => n + d.fps.length, 0)));
    let row = 0, at = 0;
    for (const d of done) {
      for (let i = 1; i < d.offsets.length; i++) offsets[row + i] = at + d.offsets[i];
      fps.set(d.fps, at);
      row += d.offsets.length - 1;
      at += d.fps.length;
    }
    return { fps, offsets };
  }

  /** Runs one long, trusted job in a worker of its own, terminated afterwards. */
  #oneOff<T>(op: string, args: unknown): Promise<T> {
    const worker = new Worker(WORKER_URL, { type: "module" });
    this.#oneOffs.add(worker);
    return new Promise<T>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<WorkerReply>) => {
        const msg = e.data;
        if (msg.ready) return worker.postMessage({ id: 1, op, args } satisfies WorkerRequest);
        if (msg.ok) resolve(msg.value as T);
        else reject(toError(msg.error));
      };
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new ChemAgentError("internal", `chemistry ${op} failed: ${e.message}`));
      };
    }).finally(() => {
      this.#oneOffs.delete(worker);
      worker.terminate();
    });
  }

  async substructureSearch(pattern: string, opts: SubstructureOptions = {}): Promise<number[]> {
    await this.checkQuery(pattern, opts);
    const library = opts.library ?? DEFAULT_LIBRARY;
    const entry = this.#libraries.get(library);
    if (!entry) {
      throw opts.library
        ? new ChemAgentError("not_found", `No structure library "${library}" is loaded.`)
        : new ChemAgentError("internal", "No structure library was given to the pool.");
    }
    const lib = await entry.ready;
    opts.signal?.throwIfAborted();
    const max = opts.maxResults ?? Infinity;
    // An explicit timeoutMs is the deadline of the whole search; without one each chunk has the pool's.
    const deadline = opts.timeoutMs === undefined ? Infinity : performance.now() + opts.timeoutMs;
    const chunks = Math.ceil(lib.smiles.length / this.chunkSize);
    const hits: number[] = [];
    let next = 0;
    // Leave one worker for other requests; each lane sends its next chunk only when the last one is back.
    // Chunks go out in order, so once the finished ones hold max hits, the first max rows are among them.
    const lanes = Math.max(1, Math.min(opts.lanes ?? this.size - 1, this.size, chunks));
    const lane = async () => {
      while (next < chunks && hits.length < max) {
        opts.signal?.throwIfAborted();
        const left = deadline - performance.now();
        if (left <= 0) {
          throw new ChemAgentError(
            "timeout",
            `The substructure search took longer than ${opts.timeoutMs} ms.`,
          );
        }
        const c = next++;
        const found = await this.run<number[]>(
          "match",
          { pattern, chunk: c, library, max: Number.isFinite(max) ? max : 0 },
          deadline === Infinity ? opts : { ...opts, timeoutMs: Math.ceil(left) },
        );
        hits.push(...found);
      }
    };
    try {
      await Promise.all(Array.from({ length: lanes }, lane));
    } catch (e) {
      next = chunks; // stop the other lanes
      if (opts.signal?.aborted) throw cancelled();
      throw e;
    }
    hits.sort((a, b) => a - b);
    return Number.isFinite(max) ? hits.slice(0, max) : hits;
  }

  async standardize(records: RawStructure[], opts: CallOptions = {}): Promise<StandardizedBatch> {
    try {
      return await this.run<StandardizedBatch>("standardize", records, opts);
    } catch (e) {
      if (!(e instanceof ChemAgentError) || e.code !== "input_too_complex" || records.length === 1) throw e;
    }
    // A record crashed its worker: one by one, so only the guilty record is refused.
    const ones: StandardizedBatch[] = [];
    for (const r of records) {
      try {
        ones.push(await this.run<StandardizedBatch>("standardize", [r], opts));
      } catch (e) {
        if (!(e instanceof ChemAgentError) || e.code !== "input_too_complex") throw e;
        ones.push({ rows: [{ error: e.toBody() }], ...emptyBatchRow() });
      }
    }
    return joinBatches(ones);
  }

  stats(): PoolStats {
    return {
      size: this.size,
      busy: this.#slots.filter((s) => s.job).length,
      queued: this.#queue.length,
      restarts: { ...this.#restarts },
      spare_ready: !!this.#spare?.ready,
      calls: this.#calls,
    };
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#oneOffs) w.terminate();
    for (const s of [...this.#slots, ...(this.#spare ? [this.#spare] : [])]) {
      s.dead = true;
      s.worker.terminate();
    }
    for (const job of this.#queue.splice(0)) {
      this.#settle(job);
      job.reject(cancelled());
    }
  }
}

/** The arrays of one refused record. */
function emptyBatchRow(): Omit<StandardizedBatch, "rows"> {
  return {
    fps: new Uint32Array(64),
    patternFps: new Uint8Array(0),
    patternOffsets: new Uint32Array(2),
    keys: new Uint32Array(1),
  };
}

/** One batch from single-record batches, in order. */
function joinBatches(parts: StandardizedBatch[]): StandardizedBatch {
  const n = parts.length;
  const fps = new Uint32Array(n * 64), keys = new Uint32Array(n), patternOffsets = new Uint32Array(n + 1);
  parts.forEach((p, i) => {
    fps.set(p.fps, i * 64);
    keys[i] = p.keys[0];
    patternOffsets[i + 1] = patternOffsets[i] + p.patternFps.length;
  });
  const patternFps = new Uint8Array(patternOffsets[n]);
  parts.forEach((p, i) => patternFps.set(p.patternFps, patternOffsets[i]));
  return { rows: parts.map((p) => p.rows[0]), fps, patternFps, patternOffsets, keys };
}

const cancelled = () => new ChemAgentError("cancelled", "The chemistry calculation was cancelled.");

function toError(body: ErrorBody): ChemAgentError {
  return new ChemAgentError(body.code, body.message, {
    suggestions: body.suggestions,
    details: body.details,
  });
}
