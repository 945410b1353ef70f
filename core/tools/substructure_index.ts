/** @module Substructure search over the dataset, run by the chemistry pool in chunks inside its workers. */
import type { ChemService } from "../chem/pool.ts";
import type { Dataset } from "../data/dataset.ts";

/** Maps library rows back to dataset compounds; the pool computes pattern fingerprints once (`build`). */
export class SubstructureIndex {
  #rows?: number[];
  #ready?: Promise<void>;
  constructor(private readonly data: Dataset, private readonly chem: ChemService) {}

  /** Hands the dataset's structures to the pool (pattern fingerprints are computed in a worker, once). */
  build(): Promise<void> {
    // A source that searches structures itself (the cartridge) needs no library in the workers.
    if (this.data.source.capabilities.structureSearch) return Promise.resolve();
    this.#ready ??= (() => {
      const rows: number[] = [];
      const smiles: string[] = [];
      this.data.compounds.forEach((c, i) => {
        if (c.canonical_smiles) {
          rows.push(i);
          smiles.push(c.canonical_smiles);
        }
      });
      this.#rows = rows;
      return this.chem.setLibrary(smiles);
    })();
    return this.#ready;
  }

  /** Dataset indices of compounds containing the pattern (SMARTS or SMILES), in dataset order. */
  async matches(pattern: string, signal?: AbortSignal): Promise<number[]> {
    // Not awaited: the pool checks the pattern (limits, syntax) first, then waits for the library itself.
    this.build().catch(() => {});
    const hits = await this.chem.substructureSearch(pattern, { signal });
    return hits.map((h) => this.#rows![h]).sort((a, b) => a - b);
  }
}
