/** @module The Tanimoto scan over a popcount-sorted fingerprint block: one function, run inline or in a worker. */
import { FP_BITS, FP_WORDS } from "../chem/fingerprint.ts";

/** Words before the rows in the shared block: bin starts for popcounts 0..FP_BITS, plus the end. */
export const HEADER_WORDS = FP_BITS + 2;

/** Views over the one shared block: `[binStart (FP_BITS+2)] [order (n)] [rows (n × FP_WORDS)]`, all Uint32. */
export interface Block {
  n: number;
  /** Rows with popcount c are sorted positions binStart[c] ≤ p < binStart[c+1]. */
  binStart: Uint32Array;
  /** Original (input) row of each sorted position. */
  order: Uint32Array;
  /** Packed fingerprints in sorted order. */
  rows: Uint32Array;
}

export function blockViews(buffer: SharedArrayBuffer | ArrayBuffer, n: number): Block {
  return {
    n,
    binStart: new Uint32Array(buffer, 0, HEADER_WORDS),
    order: new Uint32Array(buffer, HEADER_WORDS * 4, n),
    rows: new Uint32Array(buffer, (HEADER_WORDS + n) * 4, n * FP_WORDS),
  };
}

/** One scan: threshold `t` (similarity ≥ t), at most `k` best, over part `part` of `parts` of every bin. */
export interface ScanJob {
  query: Uint32Array;
  t: number;
  k: number;
  part: number;
  parts: number;
}

/** Hits of one scan, unsorted: original rows and their similarities. */
export interface ScanResult {
  rows: Uint32Array;
  sims: Float64Array;
}

/** Asked every few thousand rows; true stops the scan (cancel, deadline). */
export type StopCheck = () => boolean;

const STOP_EVERY = 4096;

/** Thrown out of a scan whose stop check fired. */
export class ScanStopped extends Error {}

/**
 * Exact Tanimoto search with three prunings, none of which can drop a hit:
 * - count bound: a row with b bits scores at most min(a,b)/max(a,b) (the same float division as an exact score),
 *   so whole popcount bins are skipped, and in top-k mode bins are visited in falling bound order and the scan
 *   stops once the best remaining bound is below the current k-th score;
 * - per bin, the least common-bit count m that can still reach the cutoff (found with the same float division
 *   as the score itself);
 * - only the query's non-zero words are read (the union comes from the counts), densest first, and a row is
 *   dropped as soon as the common bits found plus the query bits still unread fall below m.
 * Similarity is `both / (a + b − both)` (0 when both fingerprints are empty), exactly as `tanimoto()`.
 */
export function scan(block: Block, job: ScanJob, stop?: StopCheck): ScanResult {
  const { query, t, part, parts } = job;
  const k = Math.max(0, Math.min(job.k, block.n));
  // The query's non-zero words, densest first, with the query bits left from each position on.
  const words: { i: number; v: number; c: number }[] = [];
  let a = 0;
  for (let i = 0; i < FP_WORDS; i++) {
    const v = query[i] >>> 0;
    if (v) words.push({ i, v, c: pop(v) });
    a += pop(v);
  }
  words.sort((x, y) => y.c - x.c || x.i - y.i);
  const nq = words.length;
  const qIdx = new Int32Array(nq), qVal = new Int32Array(nq), rem = new Int32Array(nq + 1);
  for (let j = nq - 1; j >= 0; j--) {
    qIdx[j] = words[j].i;
    qVal[j] = words[j].v | 0;
    rem[j] = rem[j + 1] + words[j].c;
  }
  const out = new Hits(k);
  if (k === 0) return out.result();
  const { binStart, order, rows } = block;
  let checked = 0;

  const scanBin = (b: number, cutoff: number) => {
    const len = binStart[b + 1] - binStart[b];
    if (!len) return;
    const lo = binStart[b] + Math.floor((len * part) / parts);
    const hi = binStart[b] + Math.floor((len * (part + 1)) / parts);
    let m = minCommon(a, b, cutoff);
    const lim = a < b ? a : b;
    for (let p = lo; p < hi; p++) {
      if (++checked % STOP_EVERY === 0 && stop?.()) throw new ScanStopped();
      if (m > lim) return; // the cutoff rose above this bin's bound (top-k)
      const base = p * FP_WORDS;
      let both = 0, j = 0;
      for (; j < nq; j++) {
        if (both + rem[j] < m) break;
        let v = qVal[j] & rows[base + qIdx[j]];
        v = v - ((v >>> 1) & 0x55555555);
        v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
        both += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
      }
      if (j < nq || both < m) continue;
      const union = a + b - both;
      const s = union === 0 ? 0 : both / union;
      if (out.offer(order[p], s)) m = minCommon(a, b, Math.max(t, out.cut()));
    }
  };

  if (k >= block.n) {
    // Threshold mode: every qualifying bin, any order.
    for (let b = 0; b <= FP_BITS; b++) if (bound(a, b) >= t) scanBin(b, t);
    return out.result();
  }
  // Top-k mode: bins outward from the query's count, best bound first; stop below the k-th score.
  let up = a, down = a - 1;
  for (;;) {
    const bu = up <= FP_BITS ? bound(a, up) : -1;
    const bd = down >= 0 ? bound(a, down) : -1;
    const b = bu >= bd ? up : down;
    const best = Math.max(bu, bd);
    const cutoff = Math.max(t, out.cut());
    if (best < 0 || best < cutoff) break;
    if (b === up) up++;
    else down--;
    scanBin(b, cutoff);
  }
  return out.result();
}

/** Highest score a row with b bits can reach against a query with a bits. */
export function bound(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return a < b ? a / b : b / a;
}

/** Least common-bit count m with m / (a + b − m) ≥ cutoff, by the score's own float division; > min(a,b) if none. */
export function minCommon(a: number, b: number, cutoff: number): number {
  const lim = a < b ? a : b;
  if (cutoff <= 0) return 0;
  let m = Math.max(0, Math.floor((cutoff * (a + b)) / (1 + cutoff)) - 1);
  while (m <= lim) {
    const union = a + b - m;
    if ((union === 0 ? 0 : m / union) >= cutoff) return m;
    m++;
  }
  return lim + 1;
}

function pop(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Result order: similarity descending, then original row ascending. */
export function better(sa: number, ra: number, sb: number, rb: number): boolean {
  return sa > sb || (sa === sb && ra < rb);
}

/** Collects hits; with a finite k it keeps the k best in a heap (worst at the root). */
class Hits {
  #rows: number[] = [];
  #sims: number[] = [];
  constructor(private readonly k: number) {}

  /** Adds a hit; true when the k-th best score may have risen (the heap is full). */
  offer(row: number, s: number): boolean {
    const rows = this.#rows, sims = this.#sims;
    if (rows.length < this.k) {
      rows.push(row), sims.push(s);
      if (this.k === Infinity) return false;
      this.#up(rows.length - 1);
      return rows.length === this.k;
    }
    if (!better(s, row, sims[0], rows[0])) return false;
    rows[0] = row, sims[0] = s;
    this.#down(0);
    return true;
  }

  /** Score a hit must at least tie once k hits are held (−1 before). */
  cut(): number {
    return this.#rows.length >= this.k ? this.#sims[0] : -1;
  }

  result(): ScanResult {
    return { rows: Uint32Array.from(this.#rows), sims: Float64Array.from(this.#sims) };
  }

  #worse(i: number, j: number): boolean {
    return better(this.#sims[j], this.#rows[j], this.#sims[i], this.#rows[i]);
  }
  #swap(i: number, j: number) {
    const r = this.#rows, s = this.#sims;
    [r[i], r[j]] = [r[j], r[i]];
    [s[i], s[j]] = [s[j], s[i]];
  }
  #up(i: number) {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#worse(i, p)) return;
      this.#swap(i, p);
      i = p;
    }
  }
  #down(i: number) {
    const n = this.#rows.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let w = i;
      if (l < n && this.#worse(l, w)) w = l;
      if (r < n && this.#worse(r, w)) w = r;
      if (w === i) return;
      this.#swap(i, w);
      i = w;
    }
  }
}

/** Merges per-part results into the final order, at most k. */
export function mergeHits(parts: ScanResult[], k: number): { row: number; similarity: number }[] {
  const all: { row: number; similarity: number }[] = [];
  for (const p of parts) {
    for (let i = 0; i < p.rows.length; i++) all.push({ row: p.rows[i], similarity: p.sims[i] });
  }
  all.sort((x, y) => y.similarity - x.similarity || x.row - y.row);
  if (all.length > k) all.length = k;
  return all;
}
