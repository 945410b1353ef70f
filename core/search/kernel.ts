/** @module The Tanimoto scan over a popcount-sorted fingerprint block: one function, run inline or in a worker. */
import { FP_BITS, FP_WORDS } from "../chem/fingerprint.ts";

/** Words before the rows in the shared block: bin starts for popcounts 0..FP_BITS, plus the end. */
export const HEADER_WORDS = FP_BITS + 2;

/** Views over the one shared block: `[binStart (FP_BITS+2)] [order (n)] [words (FP_WORDS × n)]`, all Uint32.
 * Words are stored column by column (word w of sorted row p at `w × n + p`): a scan reads only the columns
 * where the query has bits, each one sequentially, and stops reading a row once it cannot qualify. */
export interface Block {
  n: number;
  /** Rows with popcount c are sorted positions binStart[c] ≤ p < binStart[c+1]. */
  binStart: Uint32Array;
  /** Original (input) row of each sorted position. */
  order: Uint32Array;
  /** Packed fingerprints in sorted order, column-major. */
  words: Uint32Array;
}

export function blockViews(buffer: SharedArrayBuffer | ArrayBuffer, n: number): Block {
  return {
    n,
    binStart: new Uint32Array(buffer, 0, HEADER_WORDS),
    order: new Uint32Array(buffer, HEADER_WORDS * 4, n),
    words: new Uint32Array(buffer, (HEADER_WORDS + n) * 4, n * FP_WORDS),
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

/** Thrown out of a scan whose stop check fired. */
export class ScanStopped extends Error {}

/** Rows scanned per step: the cutoff (top-k) and the stop check are refreshed between chunks. */
const CHUNK = 8192;

/**
 * Exact Tanimoto search with three prunings, none of which can drop a hit:
 * - count bound: a row with b bits scores at most min(a,b)/max(a,b) (the same float division as an exact score),
 *   so whole popcount bins are skipped; in top-k mode bins are visited in falling bound order and the scan stops
 *   once the best remaining bound is below the current k-th score;
 * - per bin, the least common-bit count m that can still reach the cutoff (found with the same float division
 *   as the score itself), so a row may miss at most a − m of the query's bits;
 * - only the query's non-zero words are read (the union comes from the counts), densest first, column by
 *   column: while no row can have missed too many bits yet, columns are summed straight through; after that,
 *   rows that missed more than a − m query bits are dropped and later columns read only the survivors.
 * Similarity is `both / (a + b − both)` (0 when both fingerprints are empty), exactly as `tanimoto()`.
 */
export function scan(block: Block, job: ScanJob, stop?: StopCheck): ScanResult {
  const { query, t, part, parts } = job;
  const k = Math.max(0, Math.min(job.k, block.n));
  // The query's non-zero words, densest first.
  const qw: { i: number; v: number; c: number }[] = [];
  let a = 0;
  for (let i = 0; i < FP_WORDS; i++) {
    const v = query[i] >>> 0;
    if (v) qw.push({ i, v, c: pop(v) });
    a += pop(v);
  }
  qw.sort((x, y) => y.c - x.c || x.i - y.i);
  const nq = qw.length;
  const qCol = new Int32Array(nq), qVal = new Int32Array(nq), qCount = new Int32Array(nq);
  for (let j = 0; j < nq; j++) {
    qCol[j] = qw[j].i * block.n;
    qVal[j] = qw[j].v | 0;
    qCount[j] = qw[j].c;
  }
  const out = new Hits(k);
  if (k === 0) return out.result();
  const { binStart, order, words } = block;
  const both = new Int32Array(CHUNK), alive = new Int32Array(CHUNK);

  /** Rows lo..hi−1 (one bin, b bits) against the cutoff; hits go to `out`. */
  const scanChunk = (lo: number, hi: number, b: number, cutoff: number) => {
    const m = minCommon(a, b, cutoff);
    if (m > (a < b ? a : b)) return;
    const len = hi - lo, slack = a - m; // query bits a row may miss
    both.fill(0, 0, len);
    let j = 0, seen = 0;
    // Phase 1: no row can have missed more than `slack` bits yet: sum whole columns.
    for (; j < nq && seen + qCount[j] <= slack; j++) {
      const v = qVal[j], base = qCol[j] + lo;
      for (let i = 0; i < len; i++) {
        let x = v & words[base + i];
        x = x - ((x >>> 1) & 0x55555555);
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        both[i] += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
      }
      seen += qCount[j];
    }
    // Phase 2: keep rows that can still reach m common bits (misses so far ≤ slack).
    let n = 0;
    if (j === nq) {
      for (let i = 0; i < len; i++) if (both[i] >= m) alive[n++] = i;
    } else {
      const v = qVal[j], base = qCol[j] + lo;
      seen += qCount[j];
      const need = seen - slack; // common bits required after this column
      for (let i = 0; i < len; i++) {
        let x = v & words[base + i];
        x = x - ((x >>> 1) & 0x55555555);
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        const s = both[i] + ((((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24);
        both[i] = s;
        if (s >= need) alive[n++] = i;
      }
      for (j++; j < nq && n > 0; j++) {
        const v = qVal[j], base = qCol[j] + lo;
        seen += qCount[j];
        const need = seen - slack;
        let kept = 0;
        for (let r = 0; r < n; r++) {
          const i = alive[r];
          let x = v & words[base + i];
          x = x - ((x >>> 1) & 0x55555555);
          x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
          const s = both[i] + ((((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24);
          both[i] = s;
          if (s >= need) alive[kept++] = i;
        }
        n = kept;
      }
    }
    for (let r = 0; r < n; r++) {
      const i = alive[r], c = both[i], union = a + b - c;
      out.offer(order[lo + i], union === 0 ? 0 : c / union);
    }
  };

  const scanBin = (b: number) => {
    const len = binStart[b + 1] - binStart[b];
    if (!len) return;
    const lo = binStart[b] + Math.floor((len * part) / parts);
    const hi = binStart[b] + Math.floor((len * (part + 1)) / parts);
    for (let p = lo; p < hi;) {
      if (stop?.()) throw new ScanStopped();
      // Until k hits are held there is no cutoff to prune with: take a small step to get one.
      const end = Math.min(hi, p + (out.cut() < 0 && k !== Infinity ? 256 : CHUNK));
      scanChunk(p, end, b, Math.max(t, out.cut()));
      p = end;
    }
  };

  if (k >= block.n) {
    // Threshold mode: every qualifying bin, any order.
    for (let b = 0; b <= FP_BITS; b++) if (bound(a, b) >= t) scanBin(b);
    return out.result();
  }
  // Top-k mode: bins outward from the query's count, best bound first; stop below the k-th score.
  let up = a, down = a - 1;
  for (;;) {
    const bu = up <= FP_BITS ? bound(a, up) : -1;
    const bd = down >= 0 ? bound(a, down) : -1;
    const best = Math.max(bu, bd);
    if (best < 0 || best < Math.max(t, out.cut())) break;
    if (bu >= bd) scanBin(up++);
    else scanBin(down--);
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
