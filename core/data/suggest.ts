/** @module Nearest spellings: a trigram index answering "which names are within k edits", closest and most prominent first. */

let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/** Optimal-string-alignment (Damerau–Levenshtein with adjacent swaps) distance; exits early above `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const m = b.length;
  if (rows[0].length <= m) rows = [0, 1, 2].map(() => new Int32Array(m * 2 + 2));
  // Three reused rows: two back (for swaps), previous, current.
  let [prev2, prev, cur] = rows;
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let best = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = prev[j - 1] + (ai === bj ? 0 : 1);
      if (prev[j] + 1 < d) d = prev[j] + 1;
      if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
      if (
        i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj && prev2[j - 2] + 1 < d
      ) {
        d = prev2[j - 2] + 1;
      }
      cur[j] = d;
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

function trigrams(s: string): string[] {
  const padded = `  ${s} `;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}

/** A name within reach of what was typed. */
export interface NearName {
  /** Normalised key of the name. */
  key: string;
  /** How the name is written in the data. */
  label: string;
  /** The record it names (compound or target id), when the index was given one. */
  id?: string;
  distance: number;
  /** Higher is better known (approved, more mechanisms …). */
  prominence: number;
}

/** Edits allowed for a suggestion of a word of this length ("never far-fetched"). */
export function suggestionDistance(length: number): number {
  return length < 4 ? 0 : length <= 7 ? 1 : length <= 11 ? 2 : 3;
}

/** Most candidates verified by edit distance per lookup (best trigram overlap first). */
const MAX_VERIFIED = 80;

/** Index of normalised keys → labels, answering nearest-spelling questions. */
export class SuggestionIndex {
  readonly #building = new Map<string, number[]>();
  #grams?: Map<string, Int32Array>;
  readonly #keys: string[] = [];
  readonly #labels: string[] = [];
  readonly #ids: (string | undefined)[] = [];
  readonly #prominence: number[] = [];
  #counts = new Uint16Array(0);

  add(key: string, label: string, id?: string, prominence = 0): void {
    if (!key) return;
    const n = this.#keys.length;
    this.#keys.push(key);
    this.#labels.push(label);
    this.#ids.push(id);
    this.#prominence.push(prominence);
    this.#grams = undefined;
    for (const g of new Set(trigrams(key))) {
      let list = this.#building.get(g);
      if (!list) this.#building.set(g, list = []);
      list.push(n);
    }
  }

  #frozen(): Map<string, Int32Array> {
    if (!this.#grams) {
      this.#grams = new Map([...this.#building].map(([g, list]) => [g, Int32Array.from(list)]));
      this.#counts = new Uint16Array(this.#keys.length);
    }
    return this.#grams;
  }

  /**
   * Every name within `maxDist` edits (adjacent swaps count as one), closest first, then most prominent.
   * An edit touches at most four trigrams, so a name that close shares all but 4·maxDist of the key's
   * trigrams: names are counted by shared trigrams and only the best-overlapping ones are verified.
   * Beyond one edit a name must also start with the same letter (typos rarely hit the first one).
   */
  near(key: string, maxDist: number): NearName[] {
    if (!key || maxDist < 0) return [];
    const index = this.#frozen();
    const counts = this.#counts;
    const touched: number[] = [];
    const grams = [...new Set(trigrams(key))];
    for (const g of grams) {
      const list = index.get(g);
      if (!list) continue;
      for (let i = 0; i < list.length; i++) {
        const n = list[i];
        if (counts[n]++ === 0) touched.push(n);
      }
    }
    const threshold = Math.max(1, grams.length - 4 * maxDist);
    const byCount: number[][] = [];
    for (const n of touched) {
      const c = counts[n];
      counts[n] = 0;
      if (c < threshold || Math.abs(this.#keys[n].length - key.length) > maxDist) continue;
      (byCount[c] ??= []).push(n);
    }
    const out: NearName[] = [];
    let verified = 0;
    for (let c = byCount.length - 1; c >= threshold && verified < MAX_VERIFIED; c--) {
      for (const n of byCount[c] ?? []) {
        if (++verified > MAX_VERIFIED) break;
        const k = this.#keys[n];
        const distance = editDistance(key, k, maxDist);
        if (distance > maxDist || (distance > 1 && k[0] !== key[0])) continue;
        out.push({
          key: k,
          label: this.#labels[n],
          id: this.#ids[n],
          distance,
          prominence: this.#prominence[n],
        });
      }
    }
    return out.sort((a, b) =>
      a.distance - b.distance || b.prominence - a.prominence || a.label.localeCompare(b.label)
    );
  }

  /** Up to `limit` labels close to `key`: closest first, then the better-known names; one label per record. */
  suggest(key: string, limit = 5, maxDist = suggestionDistance(key.length)): string[] {
    const out: string[] = [];
    const ids = new Set<string>();
    for (const n of this.near(key, maxDist)) {
      if (n.id && ids.has(n.id)) continue;
      if (n.id) ids.add(n.id);
      if (!out.includes(n.label)) out.push(n.label);
      if (out.length >= limit) break;
    }
    return out;
  }
}
