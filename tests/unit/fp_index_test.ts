/** FingerprintIndex: identical to a brute-force scan (threshold, top-k, limit, ties), bounds, cancel, deadline,
 * worker failure. Fingerprints come from a seeded in-test generator: Morgan-like density (~30–70 bits of 2048)
 * in families of near neighbours, so thresholds 0.5–0.9 have hits. */
import assert from "node:assert/strict";
import { FP_WORDS, popcount, tanimoto } from "../../core/chem/fingerprint.ts";
import { FingerprintIndex, type Hit } from "../../core/search/fp_index.ts";
import { bound, minCommon } from "../../core/search/kernel.ts";

/** mulberry32: a small seeded RNG. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** n fingerprints in families: a random parent, then children with a few bits moved; exact duplicates too. */
export function syntheticFps(n: number, seed = 1): Uint32Array {
  const r = rng(seed);
  const fps = new Uint32Array(n * FP_WORDS);
  const setBit = (row: number, bit: number, on: boolean) => {
    const w = row * FP_WORDS + (bit >>> 5);
    fps[w] = on ? fps[w] | (1 << (bit & 31)) : fps[w] & ~(1 << (bit & 31));
  };
  let parent = -1;
  for (let i = 0; i < n; i++) {
    const roll = r();
    if (parent < 0 || roll < 0.05) {
      parent = i;
      const bits = 25 + Math.floor(r() * 50);
      for (let b = 0; b < bits; b++) setBit(i, Math.floor(r() * 2048), true);
    } else {
      fps.copyWithin(i * FP_WORDS, parent * FP_WORDS, (parent + 1) * FP_WORDS);
      if (roll < 0.08) continue; // an exact duplicate: a tie
      const moves = 1 + Math.floor(r() * 12);
      for (let m = 0; m < moves; m++) {
        setBit(i, Math.floor(r() * 2048), r() < 0.6);
      }
    }
  }
  return fps;
}

function brute(fps: Uint32Array, q: Uint32Array, t: number, k = Infinity): Hit[] {
  const n = fps.length / FP_WORDS;
  const hits: Hit[] = [];
  for (let row = 0; row < n; row++) {
    const s = tanimoto(q, fps, 0, row * FP_WORDS);
    if (s >= t) hits.push({ row, similarity: s });
  }
  hits.sort((a, b) => b.similarity - a.similarity || a.row - b.row);
  return hits.slice(0, k);
}

const row = (fps: Uint32Array, i: number) => fps.slice(i * FP_WORDS, (i + 1) * FP_WORDS);

Deno.test("count bound and least common bits agree with exhaustive float arithmetic", () => {
  for (const a of [0, 1, 7, 40, 63]) {
    for (const b of [0, 1, 5, 40, 90]) {
      for (const t of [0, 0.3, 0.5, 0.7, 1 / 3, 0.9, 1]) {
        let best = -1, least = Math.min(a, b) + 1;
        for (let m = Math.min(a, b); m >= 0; m--) {
          const u = a + b - m, s = u === 0 ? 0 : m / u;
          best = Math.max(best, s);
          if (s >= t) least = m;
        }
        assert.equal(bound(a, b), best, `bound(${a}, ${b})`);
        assert.equal(minCommon(a, b, t), least, `minCommon(${a}, ${b}, ${t})`);
      }
    }
  }
});

Deno.test("100k rows: threshold, limit and top-k are identical to a brute-force scan (workers and inline)", async () => {
  const fps = syntheticFps(100_000, 7);
  const workers = FingerprintIndex.build(fps, { workers: 2 });
  const inline = FingerprintIndex.build(fps, { workers: 0 });
  try {
    assert.equal(workers.size, 100_000);
    assert.ok(workers.memoryBytes <= 1.1 * 100_000 * 256, `memory ${workers.memoryBytes}`);
    const r = rng(99);
    for (let qi = 0; qi < 12; qi++) {
      const src = Math.floor(r() * 100_000);
      const q = row(fps, src);
      if (qi % 3 === 0) q[Math.floor(r() * FP_WORDS)] ^= 1 << Math.floor(r() * 32); // not always in the set
      for (const t of [0.5, 0.7, 0.9]) {
        const want = brute(fps, q, t);
        assert.deepEqual(await workers.threshold(q, t), want, `threshold ${t}, query ${src}`);
        assert.deepEqual(await inline.threshold(q, t), want);
        assert.deepEqual(await workers.threshold(q, t, { limit: 3 }), want.slice(0, 3));
      }
      for (const k of [1, 10, 50]) {
        const want = brute(fps, q, 0, k);
        assert.deepEqual(await workers.topK(q, k), want, `top-${k}, query ${src}`);
        assert.deepEqual(await inline.topK(q, k), want);
      }
      assert.deepEqual(await workers.topK(q, 10, { threshold: 0.8 }), brute(fps, q, 0.8, 10));
    }
  } finally {
    workers.close();
    inline.close();
  }
});

Deno.test("ties keep input order; empty fingerprints score 0; threshold 0 returns every row", async () => {
  const base = syntheticFps(1, 3);
  const fps = new Uint32Array(6 * FP_WORDS);
  for (const i of [0, 2, 3, 5]) fps.set(base, i * FP_WORDS); // rows 1 and 4 are empty
  const index = FingerprintIndex.build(fps, { workers: 0 });
  assert.deepEqual((await index.threshold(base, 1)).map((h) => h.row), [0, 2, 3, 5]);
  assert.deepEqual((await index.topK(base, 2)).map((h) => h.row), [0, 2]);
  const all = await index.threshold(base, 0);
  assert.deepEqual(all.map((h) => [h.row, h.similarity]), [[0, 1], [2, 1], [3, 1], [5, 1], [1, 0], [4, 0]]);
  const empty = new Uint32Array(FP_WORDS);
  assert.deepEqual(await index.threshold(empty, 0.1), []);
  assert.deepEqual((await index.topK(empty, 3)).map((h) => h.row), [0, 1, 2]);
  assert.equal(popcount(index.fingerprintOf(3)), popcount(base));
});

Deno.test("bad input is a typed error", async () => {
  const index = FingerprintIndex.build(syntheticFps(10), { workers: 0 });
  await assert.rejects(index.threshold(new Uint32Array(3), 0.5), { code: "invalid_parameter" });
  await assert.rejects(index.threshold(new Uint32Array(FP_WORDS), 1.5), { code: "invalid_parameter" });
  await assert.rejects(index.topK(new Uint32Array(FP_WORDS), -1), { code: "invalid_parameter" });
  assert.throws(() => FingerprintIndex.build(new Uint32Array(FP_WORDS + 1)), { code: "invalid_parameter" });
});

Deno.test("cancel and deadline stop a search; the index keeps answering", async () => {
  const fps = syntheticFps(300_000, 11);
  const index = FingerprintIndex.build(fps, { workers: 2 });
  try {
    const q = row(fps, 5);
    const ctl = new AbortController();
    // Threshold 0 visits every row: long enough to be cancelled while it runs.
    const p = index.threshold(q, 0, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 1);
    await assert.rejects(p, { code: "cancelled" });
    await assert.rejects(index.threshold(q, 0, { signal: AbortSignal.abort() }), { code: "cancelled" });
    await assert.rejects(index.threshold(q, 0, { timeoutMs: 1 }), { code: "timeout" });
    assert.deepEqual(await index.threshold(q, 0.7), brute(fps, q, 0.7));
  } finally {
    index.close();
  }
});

Deno.test("a failing worker fails its search with a typed error and is replaced", async () => {
  const fps = syntheticFps(30_000, 5);
  const index = FingerprintIndex.build(fps, {
    workers: 2,
    workerUrl: new URL("./fixtures/failing_search_worker.ts", import.meta.url),
  });
  try {
    const q = row(fps, 1);
    await assert.rejects(index.topK(q, 13), { code: "internal" }); // k = 13 makes the fixture throw
    assert.deepEqual(await index.topK(q, 10), brute(fps, q, 0, 10));
    await assert.rejects(index.topK(q, 13), { code: "internal" });
    assert.deepEqual(await index.threshold(q, 0.6), brute(fps, q, 0.6));
  } finally {
    index.close();
  }
});
