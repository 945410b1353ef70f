/**
 * @module Standardisation of one uploaded record inside a worker: limits first, then RDKit parses the SMILES or
 * molfile, keeps the largest fragment, neutralises protonation-state charges and returns the canonical SMILES,
 * descriptors and the Morgan r2/2048 fingerprint. Every molecule is freed.
 */
import { ChemAgentError, type ErrorBody } from "../errors.ts";
import { checkMolblock, checkSmiles, scanStructure } from "./bounds.ts";
import { packFingerprint } from "./fingerprint.ts";
import type { Descriptors } from "./engine.ts";
import type { RDKitModule, RDMol } from "./rdkit.ts";

/** One record as the parser read it: a SMILES or a molfile (SDF). */
export interface RawStructure {
  smiles?: string;
  molblock?: string;
}

/** The descriptors a library keeps per structure (the ones filters and comparisons use), in stored order. */
export const LIBRARY_DESCRIPTORS = [
  "molecular_weight",
  "clogp",
  "hbd",
  "hba",
  "tpsa",
  "rotatable_bonds",
  "rings",
  "aromatic_rings",
  "heavy_atoms",
  "fraction_sp3",
] as const satisfies readonly (keyof Descriptors)[];

export type LibraryDescriptors = Pick<Descriptors, (typeof LIBRARY_DESCRIPTORS)[number]>;

export type Standardized =
  | { ok: true; smiles: string; descriptors: number[]; fp: Uint32Array; changes: string[] }
  | { ok: false; error: ErrorBody };

const MORGAN = JSON.stringify({ radius: 2, nBits: 2048 });
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** Standardises one record; a refusal or parse failure is returned as an error body, never thrown. */
export function standardize(rd: RDKitModule, raw: RawStructure): Standardized {
  try {
    let mol = parse(rd, raw);
    const changes: string[] = [];
    try {
      const first = mol.get_smiles();
      let smiles = first;
      if (smiles.includes(".")) {
        smiles = largestFragment(smiles);
        changes.push("largest_fragment");
      }
      const neutral = neutralize(smiles);
      if (neutral !== smiles) {
        const n = tryMol(rd, neutral);
        if (n) {
          changes.push("neutralized");
          smiles = neutral;
          mol.delete();
          mol = n;
        }
      }
      // Only a changed structure is parsed again; most records keep their first molecule.
      if (smiles !== first && !changes.includes("neutralized")) {
        const f = tryMol(rd, smiles);
        if (!f) throw new ChemAgentError("invalid_smiles", "The largest fragment could not be parsed.");
        mol.delete();
        mol = f;
      }
      const d = JSON.parse(mol.get_descriptors()) as Record<string, number>;
      return {
        ok: true,
        smiles: smiles === first ? first : mol.get_smiles(),
        descriptors: [
          round(d.amw, 3),
          round(d.CrippenClogP, 4),
          d.NumHBD,
          d.NumHBA,
          round(d.tpsa, 3),
          d.NumRotatableBonds,
          d.NumRings,
          d.NumAromaticRings,
          d.NumHeavyAtoms,
          round(d.FractionCSP3, 4),
        ],
        fp: packFingerprint(mol.get_morgan_fp_as_uint8array(MORGAN)),
        changes,
      };
    } finally {
      mol.delete();
    }
  } catch (e) {
    if (e instanceof ChemAgentError) return { ok: false, error: e.toBody() };
    throw e; // a WASM trap: the pool replaces this worker and isolates the record
  }
}

function parse(rd: RDKitModule, raw: RawStructure): RDMol {
  if (raw.molblock !== undefined) {
    checkMolblock(raw.molblock);
    const mol = rd.get_mol(raw.molblock);
    if (mol && mol.is_valid() && mol.get_num_atoms() > 0) return mol;
    mol?.delete();
    throw new ChemAgentError("invalid_smiles", "The molfile could not be parsed (atoms, bonds or valences).");
  }
  const text = (raw.smiles ?? "").trim();
  if (!text) throw new ChemAgentError("invalid_smiles", "The record has no structure.");
  if (/\s/.test(text)) throw new ChemAgentError("invalid_smiles", "The SMILES contains spaces.");
  checkSmiles(text);
  const mol = rd.get_mol(text);
  if (mol && mol.is_valid() && mol.get_num_atoms() > 0) return mol;
  mol?.delete();
  throw new ChemAgentError("invalid_smiles", `"${clip(text)}" is not a valid SMILES.`);
}

function tryMol(rd: RDKitModule, smiles: string): RDMol | null {
  const mol = rd.get_mol(smiles);
  if (mol && mol.is_valid() && mol.get_num_atoms() > 0) return mol;
  mol?.delete();
  return null;
}

/** The fragment with the most heavy atoms (RDKit's canonical SMILES never closes a ring across a dot). */
export function largestFragment(smiles: string): string {
  let best = "", bestAtoms = -1;
  for (const f of smiles.split(".")) {
    const n = scanStructure(f).heavyAtoms;
    if (n > bestAtoms || (n === bestAtoms && f.length > best.length)) [best, bestAtoms] = [f, n];
  }
  return best;
}

/**
 * Neutralises protonation-state charges in RDKit's canonical SMILES: ammonium-type cations lose a proton
 * (`[NH3+]` → `N`), anions gain one (`[O-]` → `[OH]`). Charges that are part of the structure stay:
 * quaternary cations, and the anion of a zwitterion such as a nitro group or N-oxide (`[N+](=O)[O-]`).
 * RDKit re-parses the result; a form it rejects is not used.
 */
export function neutralize(smiles: string): string {
  if (!/[+-]\]/.test(smiles)) return smiles;
  const ATOM = /\[([0-9]*)([A-Za-z][a-z]?)(@*)(H?)(\d?)([+-])\]/g;
  // Cations without a proton (quaternary N, nitro N, N-oxides) keep as many anions charged, nearest first:
  // the anion written next to a cation (nitro, N-oxide, azide) is its partner.
  const atoms = [...smiles.matchAll(ATOM)];
  const quaternary = atoms.filter((m) => m[6] === "+" && !m[4]).map((m) => m.index!);
  const anions = atoms.filter((m) => m[6] === "-").map((m) => m.index!);
  const kept = new Set<number>();
  for (const q of quaternary) {
    let best = -1;
    for (const a of anions) {
      if (!kept.has(a) && (best < 0 || Math.abs(a - q) < Math.abs(best - q))) best = a;
    }
    if (best >= 0) kept.add(best);
  }
  return smiles.replace(ATOM, (m, iso, el, chir, h, hn, sign, at) => {
    const hs = h ? Number(hn || 1) : 0;
    if (sign === "+") {
      if (!hs || !/^(?:N|n|P)$/.test(el)) return m; // quaternary: no proton to remove
      return bracket(iso, el, chir, hs - 1);
    }
    if (kept.has(at) || !/^(?:O|S|N|n|Se)$/.test(el)) return m; // a partner anion, or a carbanion
    return bracket(iso, el, chir, hs + 1);
  });
}

function bracket(iso: string, el: string, chir: string, hs: number): string {
  return `[${iso}${el}${chir}${hs ? "H" + (hs > 1 ? hs : "") : ""}]`;
}

const clip = (s: string) => (s.length > 60 ? s.slice(0, 57) + "…" : s);
