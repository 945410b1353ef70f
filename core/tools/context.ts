/** @module What every tool receives: the dataset, the chemistry engine, and the query's abort signal. */
import type { ChemService } from "../chem/pool.ts";
import type { Dataset } from "../data/dataset.ts";
import type { LibraryStore, Viewer } from "../data/libraries/store.ts";
import type { SubstructureIndex } from "./substructure_index.ts";

export interface ToolContext {
  data: Dataset;
  /** Chemistry in killable workers; pass `signal` so a cancelled step stops its calculation. */
  chem: ChemService;
  substructures: SubstructureIndex;
  signal?: AbortSignal;
  /** Users' libraries (a tool's `library` argument) and who is asking (libraries are per user with auth on). */
  libraries?: LibraryStore;
  viewer?: Viewer;
}

export interface Provenance {
  source: string;
  id?: string;
  note?: string;
}
