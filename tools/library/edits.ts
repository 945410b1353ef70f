/** @module Seeded SMILES edits for the benchmark library: substituent additions, ring-atom and heteroatom swaps,
 * branch removals. Text-level and cheap; RDKit decides afterwards whether an edit made a valid molecule. */

/** mulberry32: small, fast, seeded; the same seed gives the same library on every machine. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Medicinal-chemistry substituents (a new ring uses closure %99, which canonical drug SMILES never use). */
const SUBSTITUENTS = [
  "F",
  "Cl",
  "Br",
  "C",
  "CC",
  "OC",
  "O",
  "N",
  "C#N",
  "C(F)(F)F",
  "C(=O)N",
  "C(=O)O",
  "S(C)(=O)=O",
  "NC(C)=O",
  "OC(F)(F)F",
  "C%99CC%99",
  "N(C)C",
  "C(C)C",
  "OCC",
  "C(=O)OC",
  "S(N)(=O)=O",
  "c%99ccccc%99",
  "N%99CCOCC%99",
];
const SWAPS: Record<string, string[]> = {
  F: ["Cl", "Br", "C", "O"],
  Cl: ["F", "Br", "C"],
  Br: ["Cl", "F", "I"],
  I: ["Br", "Cl"],
  O: ["S", "N", "C"],
  S: ["O"],
  N: ["O", "C"],
  c: ["n"],
  n: ["c"],
};

const TOKEN = /(\[[^\]]+\]|Br|Cl|[BCNOPSFIbcnops]|%\d\d|\d|[()=#\-+\\/@.*:$~])/g;
const ATOM = /^(\[[^\]]+\]|Br|Cl|[BCNOPSFIbcnops])$/;

/** One to three random edits of a SMILES; the result may be invalid (RDKit checks it). */
export function mutate(smiles: string, r: () => number): string {
  let tokens: string[] = smiles.match(TOKEN) ?? [];
  const edits = 1 + Math.floor(r() * 3);
  for (let e = 0; e < edits; e++) {
    const atoms = tokens.flatMap((t, i) => (ATOM.test(t) ? [i] : []));
    if (!atoms.length) break;
    const at = atoms[Math.floor(r() * atoms.length)];
    const kind = r();
    if (kind < 0.55) {
      // Add a substituent after the atom and its ring-closure digits.
      if (!/^[CNcn]$/.test(tokens[at])) continue;
      let j = at + 1;
      while (j < tokens.length && /^(%\d\d|\d)$/.test(tokens[j])) j++;
      const sub = SUBSTITUENTS[Math.floor(r() * SUBSTITUENTS.length)];
      if (tokens.includes("%99") && sub.includes("%99")) continue;
      tokens = [...tokens.slice(0, j), "(", ...(sub.match(TOKEN) ?? []), ")", ...tokens.slice(j)];
    } else if (kind < 0.85) {
      const options = SWAPS[tokens[at]];
      if (!options) continue;
      tokens[at] = options[Math.floor(r() * options.length)];
    } else {
      // Drop a short terminal branch, e.g. (C), (F), (OC).
      const opens = tokens.flatMap((t, i) => (t === "(" ? [i] : []));
      if (!opens.length) continue;
      const o = opens[Math.floor(r() * opens.length)];
      let depth = 0, close = -1;
      for (let i = o; i < tokens.length; i++) {
        if (tokens[i] === "(") depth++;
        else if (tokens[i] === ")" && --depth === 0) {
          close = i;
          break;
        }
      }
      const inner = tokens.slice(o + 1, close);
      if (close < 0 || inner.length > 4 || inner.some((t) => /^(%\d\d|\d|\()$/.test(t))) continue;
      tokens = [...tokens.slice(0, o), ...tokens.slice(close + 1)];
    }
  }
  return tokens.join("");
}
