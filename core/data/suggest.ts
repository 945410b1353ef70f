/** @module "Did you mean": trigram candidates ranked by edit distance. */

/** Levenshtein distance with an early exit once `max` is exceeded. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (cur[j] < best) best = cur[j];
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

function trigrams(s: string): string[] {
  const padded = `  ${s} `;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}

/** Index of normalised keys → display labels, answering nearest-spelling questions. */
export class SuggestionIndex {
  readonly #grams = new Map<string, number[]>();
  readonly #keys: string[] = [];
  readonly #labels: string[] = [];

  add(key: string, label: string): void {
    if (!key) return;
    const id = this.#keys.length;
    this.#keys.push(key);
    this.#labels.push(label);
    for (const g of new Set(trigrams(key))) {
      let list = this.#grams.get(g);
      if (!list) this.#grams.set(g, list = []);
      list.push(id);
    }
  }

  /** Up to `limit` labels whose keys are close to `key` (edit distance ≤ max(2, 30% of length)). */
  suggest(key: string, limit = 5): string[] {
    if (!key) return [];
    const score = new Map<number, number>();
    for (const g of new Set(trigrams(key))) {
      for (const id of this.#grams.get(g) ?? []) score.set(id, (score.get(id) ?? 0) + 1);
    }
    const maxDist = Math.max(2, Math.round(key.length * 0.3));
    const candidates = [...score.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 200);
    const ranked: { label: string; d: number; s: number }[] = [];
    for (const [id, s] of candidates) {
      const d = editDistance(key, this.#keys[id], maxDist);
      if (d <= maxDist) ranked.push({ label: this.#labels[id], d, s });
    }
    ranked.sort((a, b) => a.d - b.d || b.s - a.s || a.label.localeCompare(b.label));
    return [...new Set(ranked.map((r) => r.label))].slice(0, limit);
  }
}
