/** @module Public shapes of compounds and targets as tools return them (stable API fields). */
import type { Descriptors } from "../chem/engine.ts";
import type { Compound, Mechanism, Target } from "../data/model.ts";
import type { Provenance } from "./context.ts";

export interface CompoundSummary {
  id: string;
  name: string;
  smiles: string | null;
  phase: number | null;
}

export interface CompoundView extends CompoundSummary {
  chembl_ids: string[];
  synonyms: string[];
  research_codes: string[];
  inchikey: string | null;
  first_approval: number | null;
  atc: string[];
  drug_type: string | null;
  indication_class: string | null;
  approvals: string[];
  /** Routes of administration ChEMBL 18 records (oral, parenteral, topical); null when unknown. */
  routes: string[] | null;
  drugcentral_ids: number[];
  pubchem_cid: number | null;
  cas: string | null;
  descriptors: Descriptors | null;
  sources: string[];
}

export interface TargetView {
  id: string;
  name: string;
  type: string | null;
  organism: string | null;
  genes: string[];
  uniprot: string[];
  family: string | null;
}

export const summarize = (c: Compound): CompoundSummary => ({
  id: c.id,
  name: c.name,
  smiles: c.canonical_smiles ?? c.smiles,
  phase: c.phase,
});

export const compoundView = (c: Compound): CompoundView => ({
  ...summarize(c),
  chembl_ids: c.chembl_ids,
  synonyms: c.synonyms,
  research_codes: c.research_codes,
  inchikey: c.inchikey,
  first_approval: c.first_approval,
  atc: c.atc,
  drug_type: c.drug_type,
  indication_class: c.indication_class,
  approvals: c.approvals,
  routes: c.routes ?? null,
  drugcentral_ids: c.drugcentral_ids,
  pubchem_cid: c.pubchem_cid,
  cas: c.cas,
  descriptors: c.descriptors,
  sources: c.sources,
});

export const targetView = (t: Target): TargetView => ({
  id: t.id,
  name: t.name,
  type: t.type,
  organism: t.organism,
  genes: t.genes,
  uniprot: t.uniprot,
  family: t.family,
});

export const compoundProvenance = (c: Compound): Provenance[] =>
  c.sources.map((source) => ({
    source,
    id: source.startsWith("ChEMBL")
      ? c.id
      : c.drugcentral_ids.length
      ? `DrugCentral:${c.drugcentral_ids[0]}`
      : c.id,
  }));

export const mechanismProvenance = (m: Mechanism): Provenance => ({
  source: m.source,
  id: `${m.compound}→${m.target}`,
});

/** Removes duplicate provenance rows, keeping first-seen order. */
export function dedupeProvenance(list: Provenance[]): Provenance[] {
  const seen = new Set<string>();
  return list.filter((p) => {
    const k = `${p.source}|${p.id ?? ""}|${p.note ?? ""}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
