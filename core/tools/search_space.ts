/**
 * @module The search space of a search tool: the dataset, or one of the caller's libraries (`library` argument).
 * One place resolves it, so every tool treats a library the same way and an unknown library is a typed not_found
 * (never a silent search of the dataset). Similarity goes through each space's popcount-sorted FingerprintIndex.
 */
import type { FingerprintIndex } from "../search/fp_index.ts";
import type { Library } from "../data/libraries/library.ts";
import type { Compound } from "../data/model.ts";
import { ChemAgentError } from "../errors.ts";
import type { Provenance, ToolContext } from "./context.ts";

export interface SearchSpace {
  /** "the dataset" or `library <name>`. */
  label: string;
  compounds: Compound[];
  fingerprints: Uint32Array;
  fpCounts: Uint16Array;
  library?: Library;
  provenance: Provenance;
  /** Rows with Tanimoto ≥ threshold, most similar first (ties in row order). */
  similar(fp: Uint32Array, threshold: number, signal?: AbortSignal): Promise<{ i: number; s: number }[]>;
  /** Rows containing the pattern, in row order. */
  substructure(pattern: string, signal?: AbortSignal): Promise<number[]>;
}

/** Same hits and order as a full scan (ties in row order); rows without a structure (empty fingerprint) never hit. */
async function similar(
  index: FingerprintIndex,
  counts: Uint16Array,
  fp: Uint32Array,
  threshold: number,
  signal?: AbortSignal,
) {
  const found = await index.threshold(fp, threshold, { signal });
  return found.filter(({ row }) => counts[row]).map(({ row, similarity }) => ({ i: row, s: similarity }));
}

/** The library named by `ref` (an id or a name the caller owns), or the dataset when no library is given. */
export function searchSpace(ref: string | undefined, ctx: ToolContext): SearchSpace {
  if (!ref) {
    const d = ctx.data;
    return {
      label: "the dataset",
      compounds: d.compounds,
      fingerprints: d.fingerprints,
      fpCounts: d.fpCounts,
      provenance: {
        source: "ChEMBL 18 + DrugCentral",
        note: `searched ${d.stats.with_structure} structures`,
      },
      similar: (fp, t, signal) => similar(d.fpIndex, d.fpCounts, fp, t, signal),
      substructure: (p, signal) => ctx.substructures.matches(p, signal),
    };
  }
  if (!ctx.libraries) {
    throw new ChemAgentError("not_available", "Libraries are not enabled on this server.", {
      details: { entity: "library" },
    });
  }
  const lib = ctx.libraries.resolve(ref, ctx.viewer ?? { enforced: false }).library;
  return {
    label: `library ${lib.meta.name}`,
    compounds: lib.compounds,
    fingerprints: lib.fingerprints,
    fpCounts: lib.fpCounts,
    library: lib,
    provenance: {
      source: `library ${lib.meta.name}`,
      id: lib.meta.id,
      note: `searched ${lib.size} structures`,
    },
    similar: (fp, t, signal) => similar(lib.fpIndex, lib.fpCounts, fp, t, signal),
    substructure: (p, signal) => ctx.chem.substructureOf(p, lib.smiles, { signal }),
  };
}

/** `{ id, name, size }` of the library searched, for tool outputs. */
export const libraryOf = (s: SearchSpace) =>
  s.library ? { library: { id: s.library.meta.id, name: s.library.meta.name, size: s.library.size } } : {};

const ROW = /^(lib_[0-9a-f]{16}):(\d+)$/;

/** A library row by its id (`lib_…:<record>`), when the caller can see the library; null for other text. */
export function libraryCompound(ref: string, ctx: ToolContext): Compound | null {
  const m = ROW.exec(ref.trim());
  if (!m || !ctx.libraries) return null;
  const lib = ctx.libraries.get(m[1], ctx.viewer ?? { enforced: false });
  const row = lib.compounds.find((c) => c.id === m[0]);
  if (!row) throw new ChemAgentError("not_found", `No record ${m[2]} in library ${lib.meta.name}.`);
  return row;
}
