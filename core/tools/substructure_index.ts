/** @module RDKit SubstructLibrary over the dataset, built once in small slices so the server stays responsive. */
import { loadRDKit } from "../chem/rdkit.ts";
import type { Dataset } from "../data/dataset.ts";

interface RDSubstructLibrary {
  add_trusted_smiles(smiles: string): number;
  get_matches(q: unknown, useChirality: boolean, numThreads: number, maxResults: number): string;
}

/** Maps library rows back to dataset compounds; `matches()` waits for the build on first use. */
export class SubstructureIndex {
  #ready?: Promise<{ lib: RDSubstructLibrary; rows: number[] }>;
  constructor(private readonly data: Dataset) {}

  /** Starts (or joins) the build; each slice of 300 molecules yields to the event loop. */
  build(): Promise<{ lib: RDSubstructLibrary; rows: number[] }> {
    this.#ready ??= (async () => {
      const rd = await loadRDKit() as unknown as { SubstructLibrary: new () => RDSubstructLibrary };
      const lib = new rd.SubstructLibrary();
      const rows: number[] = [];
      const list = this.data.compounds;
      for (let i = 0; i < list.length; i++) {
        const smi = list[i].canonical_smiles;
        if (smi) {
          lib.add_trusted_smiles(smi);
          rows.push(i);
        }
        if (i % 300 === 299) await new Promise((r) => setTimeout(r, 0));
      }
      return { lib, rows };
    })();
    return this.#ready;
  }

  /** Dataset indices of compounds containing the query (an RDKit query molecule). */
  async matches(query: unknown, limit: number): Promise<number[]> {
    const { lib, rows } = await this.build();
    const hits = JSON.parse(lib.get_matches(query, true, 1, limit)) as number[];
    return hits.map((h) => rows[h]).sort((a, b) => a - b);
  }
}
