/** @module What every tool receives: the dataset, the chemistry engine, and the query's abort signal. */
import type { ChemEngine } from "../chem/engine.ts";
import type { Dataset } from "../data/dataset.ts";
import type { SubstructureIndex } from "./substructure_index.ts";

export interface ToolContext {
  data: Dataset;
  chem: ChemEngine;
  substructures: SubstructureIndex;
  signal?: AbortSignal;
}

export interface Provenance {
  source: string;
  id?: string;
  note?: string;
}
