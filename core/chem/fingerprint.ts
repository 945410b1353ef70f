/** @module Packed Morgan fingerprints (Uint32 words) and popcount Tanimoto. */

export const FP_BITS = 2048;
export const FP_WORDS = FP_BITS / 32;

/** Packs RDKit's byte fingerprint into 32-bit words (little-endian byte order, bit order preserved). */
export function packFingerprint(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(FP_WORDS);
  for (let w = 0; w < FP_WORDS; w++) {
    const o = w * 4;
    words[w] = (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
  }
  return words;
}

/** Number of set bits in a 32-bit word (SWAR). */
export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Bits set in a whole fingerprint (or a slice of a packed matrix). */
export function popcount(fp: Uint32Array, offset = 0, words = FP_WORDS): number {
  let n = 0;
  for (let i = 0; i < words; i++) n += popcount32(fp[offset + i]);
  return n;
}

/** Tanimoto similarity of two fingerprints; two empty fingerprints are 0 (nothing in common to compare). */
export function tanimoto(a: Uint32Array, b: Uint32Array, aOff = 0, bOff = 0): number {
  let both = 0, either = 0;
  for (let i = 0; i < FP_WORDS; i++) {
    const x = a[aOff + i], y = b[bOff + i];
    both += popcount32(x & y);
    either += popcount32(x | y);
  }
  return either === 0 ? 0 : both / either;
}

/** Tanimoto of a query against every row of a packed matrix, using precomputed row counts. */
export function bulkTanimoto(query: Uint32Array, matrix: Uint32Array, counts: Uint16Array): Float64Array {
  const rows = counts.length;
  const out = new Float64Array(rows);
  const qCount = popcount(query);
  for (let r = 0; r < rows; r++) {
    const off = r * FP_WORDS;
    let both = 0;
    for (let i = 0; i < FP_WORDS; i++) both += popcount32(query[i] & matrix[off + i]);
    const union = qCount + counts[r] - both;
    out[r] = union === 0 ? 0 : both / union;
  }
  return out;
}
