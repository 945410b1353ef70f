/**
 * @module The data-source seam: a source loads the in-memory catalogue (a Dataset) and answers, through its
 * store, what the catalogue cannot: structure searches pushed into a database, potency (bioactivities),
 * readiness. Tools ask `capabilities` first, so one tool serves every driver.
 */
import type { Dataset } from "./dataset.ts";

export interface DataSource {
  readonly name: string;
  load(): Promise<Dataset>;
}

/** Which source answered, for provenance, the answer and cache keys. */
export interface SourceInfo {
  driver: "embedded" | "postgres";
  /** Human label used in provenance: "ChEMBL 18 + DrugCentral", "ChEMBL_18 (PostgreSQL)". */
  label: string;
  /** The release (ChEMBL `version` table name, or the embedded dataset version). */
  release: string;
}

export interface Capabilities {
  /** Bioactivities (IC50, Ki, Kd, EC50 …) per compound and target. */
  potency: boolean;
  /** Trade names and research codes among the synonyms (ChEMBL molecule_synonyms). */
  tradeNames: boolean;
  /** Similarity and substructure run inside the source (the RDKit cartridge) instead of in memory. */
  structureSearch: boolean;
}

export const POTENCY_TYPES = ["IC50", "Ki", "Kd", "EC50"] as const;
export type PotencyType = typeof POTENCY_TYPES[number];

export interface ActivityQuery {
  /** Compound ids (dataset ids); empty = any compound. */
  compounds?: string[];
  /** Target ids (dataset ids); empty = any target. */
  targets?: string[];
  /** Standard types; empty = all of POTENCY_TYPES. */
  types?: PotencyType[];
  /** Only values at most this many nM (standard_units nM, relation "=" "<" "<="). */
  maxNm?: number;
  /** Only rows with pChEMBL value at least this. */
  minPchembl?: number;
  limit: number;
}

export interface Activity {
  compound: string;
  target: string;
  type: string;
  relation: string | null;
  value: number | null;
  units: string | null;
  pchembl: number | null;
  assay: string;
  /** ChEMBL activity id (the row's source). */
  activity_id: number;
}

export interface SimilarityQuery {
  smiles: string;
  threshold: number;
  limit: number;
  exclude?: number;
}

export interface SimilarityHit {
  /** Dataset index of the compound. */
  index: number;
  similarity: number;
}

/** What a source answers beyond the catalogue; optional methods exist exactly when a capability says so. */
export interface SourceStore {
  readonly info: SourceInfo;
  readonly capabilities: Capabilities;
  /** The best `limit` compounds with Morgan r2/2048 Tanimoto ≥ threshold to `smiles` (ties in dataset order),
   * leaving out dataset index `exclude`; `total` counts every compound above the threshold. */
  similar?(q: SimilarityQuery, signal?: AbortSignal): Promise<{ hits: SimilarityHit[]; total: number }>;
  /** The first `limit` dataset indices (dataset order) of compounds containing the pattern, and how many do. */
  substructure?(
    pattern: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<{ hits: number[]; total: number }>;
  activities?(q: ActivityQuery): Promise<{ rows: Activity[]; total: number }>;
  /** Throws `upstream_unavailable` when the source cannot answer (readiness). */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** The embedded store: everything is in memory, nothing to check. */
export function embeddedStore(release: string): SourceStore {
  return {
    info: { driver: "embedded", label: "ChEMBL 18 + DrugCentral", release },
    capabilities: { potency: false, tradeNames: false, structureSearch: false },
    check: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
