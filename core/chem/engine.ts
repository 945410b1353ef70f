/** @module The chemistry engine: SMILES in, computed facts out; every RDKit molecule is freed. */
import { ChemAgentError } from "../errors.ts";
import { formulaFromJson } from "./formula.ts";
import { packFingerprint } from "./fingerprint.ts";
import { loadRDKit, type RDKitModule, type RDMol } from "./rdkit.ts";

/** Longest SMILES we parse; beyond it a request is refused before RDKit sees it (≈ 2,000 heavy atoms). */
export const MAX_SMILES_LENGTH = 4000;
const MORGAN = JSON.stringify({ radius: 2, nBits: 2048 });

export interface Descriptors {
  formula: string;
  molecular_weight: number;
  exact_mass: number;
  clogp: number;
  molar_refractivity: number;
  hbd: number;
  hba: number;
  tpsa: number;
  rotatable_bonds: number;
  rings: number;
  aromatic_rings: number;
  heavy_atoms: number;
  fraction_sp3: number;
  stereocenters: number;
}

export interface MoleculeFacts {
  canonical_smiles: string;
  inchi: string;
  inchikey: string;
  descriptors: Descriptors;
}

export interface ChemEngine {
  readonly version: string;
  /** Parses SMILES and runs `fn` on the molecule, freeing it afterwards. */
  withMol<T>(smiles: string, fn: (mol: RDMol) => T): T;
  /** True when the text parses as a molecule (no error thrown, nothing logged). */
  isValidSmiles(smiles: string): boolean;
  canonical(smiles: string): string;
  inchikey(smiles: string): string;
  facts(smiles: string): MoleculeFacts;
  descriptors(smiles: string): Descriptors;
  fingerprint(smiles: string): Uint32Array;
  /** Atom indices of the query's matches in the molecule, or [] when it does not match. */
  substructMatches(smiles: string, query: RDMol): number[][];
  /** Parses a SMARTS or SMILES query; the caller frees it. */
  parseQuery(query: string): RDMol;
  depict(smiles: string, opts?: { width?: number; height?: number; highlight?: string }): string;
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** Loads RDKit (once) and returns the engine. */
export async function createChemEngine(): Promise<ChemEngine> {
  const rd = await loadRDKit();
  return new RDKitEngine(rd);
}

class RDKitEngine implements ChemEngine {
  readonly version: string;
  readonly #rd: RDKitModule;
  readonly #log: { get_buffer(): string; clear_buffer(): void } | null;

  constructor(rd: RDKitModule) {
    this.#rd = rd;
    this.version = rd.version();
    this.#log = rd.set_log_capture("rdApp.error");
  }

  #parse(smiles: string): RDMol {
    const text = smiles.trim();
    if (!text) throw new ChemAgentError("invalid_smiles", "No SMILES was given.");
    if (text.length > MAX_SMILES_LENGTH) {
      throw new ChemAgentError(
        "invalid_parameter",
        `SMILES is ${text.length} characters long; the limit is ${MAX_SMILES_LENGTH}.`,
      );
    }
    if (/\s/.test(text)) {
      throw new ChemAgentError(
        "invalid_smiles",
        `"${clip(text)}" is not a SMILES string (it contains spaces).`,
      );
    }
    this.#log?.clear_buffer();
    const mol = this.#rd.get_mol(text);
    if (mol && mol.is_valid() && mol.get_num_atoms() > 0) return mol;
    mol?.delete();
    throw smilesError(text, this.#log?.get_buffer() ?? "");
  }

  withMol<T>(smiles: string, fn: (mol: RDMol) => T): T {
    const mol = this.#parse(smiles);
    try {
      return fn(mol);
    } finally {
      mol.delete();
    }
  }

  isValidSmiles(smiles: string): boolean {
    try {
      this.withMol(smiles, () => true);
      return true;
    } catch {
      return false;
    }
  }

  canonical(smiles: string): string {
    return this.withMol(smiles, (m) => m.get_smiles());
  }

  inchikey(smiles: string): string {
    return this.facts(smiles).inchikey;
  }

  facts(smiles: string): MoleculeFacts {
    return this.withMol(smiles, (m) => {
      const inchi = m.get_inchi();
      return {
        canonical_smiles: m.get_smiles(),
        inchi,
        inchikey: inchi ? this.#rd.get_inchikey_for_inchi(inchi) : "",
        descriptors: describe(m),
      };
    });
  }

  descriptors(smiles: string): Descriptors {
    return this.withMol(smiles, describe);
  }

  fingerprint(smiles: string): Uint32Array {
    return this.withMol(smiles, (m) => packFingerprint(m.get_morgan_fp_as_uint8array(MORGAN)));
  }

  parseQuery(query: string): RDMol {
    const text = query.trim();
    if (!text) throw new ChemAgentError("invalid_smiles", "No substructure query was given.");
    if (text.length > MAX_SMILES_LENGTH) {
      throw new ChemAgentError("invalid_parameter", `Query is longer than ${MAX_SMILES_LENGTH} characters.`);
    }
    this.#log?.clear_buffer();
    const q = this.#rd.get_qmol(text);
    if (q && q.is_valid()) return q;
    q?.delete();
    throw smilesError(text, this.#log?.get_buffer() ?? "", "SMARTS/SMILES query");
  }

  substructMatches(smiles: string, query: RDMol): number[][] {
    return this.withMol(smiles, (m) => {
      const found = JSON.parse(m.get_substruct_matches(query)) as
        | { atoms: number[] }[]
        | Record<string, never>;
      return Array.isArray(found) ? found.map((f) => f.atoms) : [];
    });
  }

  depict(smiles: string, opts: { width?: number; height?: number; highlight?: string } = {}): string {
    const width = clamp(opts.width ?? 300, 50, 2000);
    const height = clamp(opts.height ?? 220, 50, 2000);
    return this.withMol(smiles, (m) => {
      const details: Record<string, unknown> = { width, height, addStereoAnnotation: true };
      if (opts.highlight) {
        const q = this.parseQuery(opts.highlight);
        try {
          const match = JSON.parse(m.get_substruct_match(q)) as { atoms?: number[]; bonds?: number[] };
          if (match.atoms) Object.assign(details, { atoms: match.atoms, bonds: match.bonds ?? [] });
        } finally {
          q.delete();
        }
      }
      return m.get_svg_with_highlights(JSON.stringify(details));
    });
  }
}

function describe(m: RDMol): Descriptors {
  const d = JSON.parse(m.get_descriptors()) as Record<string, number>;
  return {
    formula: formulaFromJson(m.get_json()),
    molecular_weight: round(d.amw, 3),
    exact_mass: round(d.exactmw, 4),
    clogp: round(d.CrippenClogP, 4),
    molar_refractivity: round(d.CrippenMR, 3),
    hbd: d.NumHBD,
    hba: d.NumHBA,
    tpsa: round(d.tpsa, 3),
    rotatable_bonds: d.NumRotatableBonds,
    rings: d.NumRings,
    aromatic_rings: d.NumAromaticRings,
    heavy_atoms: d.NumHeavyAtoms,
    fraction_sp3: round(d.FractionCSP3, 4),
    stereocenters: d.NumAtomStereoCenters,
  };
}

function smilesError(text: string, log: string, what = "SMILES"): ChemAgentError {
  const pos = /position (\d+)/.exec(log);
  const kekule = /Can't kekulize mol/.test(log);
  const valence = /Explicit valence for atom # ?(\d+) (\w+)/.exec(log);
  let reason = "it could not be parsed";
  if (pos) reason = `syntax error around position ${pos[1]}`;
  else if (kekule) reason = "an aromatic ring cannot be kekulized (check lowercase atoms and ring closures)";
  else if (valence) reason = `atom #${valence[1]} (${valence[2]}) has an impossible valence`;
  return new ChemAgentError("invalid_smiles", `"${clip(text)}" is not a valid ${what}: ${reason}.`, {
    details: pos ? { position: Number(pos[1]) } : undefined,
  });
}

const clip = (s: string) => (s.length > 60 ? s.slice(0, 57) + "…" : s);
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));

// Mol.get_json exists on MinimalLib molecules but is missing from our narrow interface.
declare module "./rdkit.ts" {
  interface RDMol {
    get_json(): string;
  }
}
