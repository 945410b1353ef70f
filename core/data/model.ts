/** @module The embedded dataset's record shapes (what data/dataset.json holds). */
import type { Descriptors } from "../chem/engine.ts";

export interface Compound {
  /** Primary ChEMBL ID, or `DrugCentral:<id>` when DrugCentral knows no ChEMBL ID. */
  id: string;
  /** Every ChEMBL ID that resolves here (parent first, then salts/other forms). */
  chembl_ids: string[];
  name: string;
  synonyms: string[];
  research_codes: string[];
  smiles: string | null;
  canonical_smiles: string | null;
  inchikey: string | null;
  /** Standard InChI computed by RDKit at build time (the embedded dataset; absent elsewhere). */
  inchi?: string | null;
  phase: number | null;
  first_approval: number | null;
  atc: string[];
  drug_type: string | null;
  indication_class: string | null;
  drugcentral_ids: number[];
  pubchem_cid: number | null;
  cas: string | null;
  approvals: string[];
  /** Routes of administration ChEMBL records ("oral", "parenteral", "topical"); null when it has none. */
  routes: string[] | null;
  descriptors: Descriptors | null;
  sources: string[];
}

/** A compound record that knows only its id and name; every other field empty (callers fill what they have). */
export function bareCompound(id: string, name: string, chemblIds: string[] = []): Compound {
  return {
    id,
    chembl_ids: chemblIds,
    name,
    synonyms: [],
    research_codes: [],
    smiles: null,
    canonical_smiles: null,
    inchikey: null,
    inchi: null,
    phase: null,
    first_approval: null,
    atc: [],
    drug_type: null,
    indication_class: null,
    drugcentral_ids: [],
    pubchem_cid: null,
    cas: null,
    approvals: [],
    routes: null,
    descriptors: null,
    sources: [],
  };
}

export interface Target {
  /** ChEMBL target ID, or `UniProt:<acc>` for DrugCentral targets without one. */
  id: string;
  name: string;
  type: string | null;
  organism: string | null;
  genes: string[];
  uniprot: string[];
  family: string | null;
  sources: string[];
}

export interface Mechanism {
  compound: string;
  target: string;
  action_type: string | null;
  mechanism: string | null;
  /** True for curated mechanisms of action; false for activity-only links (DrugCentral 2023 bioactivity). */
  primary: boolean;
  source: string;
  refs: string[];
}

export interface DatasetFile {
  format: 1;
  version: string;
  rdkit: string;
  sources: { file: string; sha256: string }[];
  compounds: Compound[];
  targets: Target[];
  mechanisms: Mechanism[];
  aliases: { alias: string; gene: string }[];
  /** ATC level code (1, 3, 4 or 5 characters) → its WHO name, as ChEMBL 18 describes the codes. */
  atc_levels: Record<string, string>;
  /** Curated names of drug classes and how each is defined from the data (data/sources/drug_classes.tsv). */
  classes: ClassDefinition[];
  stats: Record<string, number>;
}

export const SOURCE_LABELS = {
  chembl: "ChEMBL 18 (2014)",
  dc2016: "DrugCentral 2016",
  dc2023: "DrugCentral 2023",
} as const;

/** A named drug class: its label, other names, and the rules that pick its members from the data. */
export interface ClassDefinition {
  id: string;
  label: string;
  synonyms: string[];
  /** Rules ("atc:M01A", "family:Kinase&action:INHIBITOR", "-atc:M01AX05"): see drug_classes.tsv. */
  rules: string[];
}
