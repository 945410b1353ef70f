/**
 * @module The search space of a search tool: the dataset, or one of the caller's libraries (`library` argument).
 * One place resolves it, so every tool treats a library the same way and an unknown library is a typed not_found
 * (never a silent search of the dataset). Similarity goes through each space's popcount-sorted FingerprintIndex.
 */
import type { FingerprintIndex } from "../search/fp_index.ts";
import type { Library } from "../data/libraries/library.ts";
import { librarySubstructure } from "../data/libraries/substructure.ts";
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
  /** True when similarity and substructure run inside the data source (the RDKit PostgreSQL cartridge). */
  pushdown: boolean;
  /** The best `limit` rows with Tanimoto ≥ threshold, most similar first (ties in row order), leaving out row
   * `exclude`; `total` counts every row above the threshold. */
  similar(
    q: SimilarQuery,
    signal?: AbortSignal,
  ): Promise<{ hits: { i: number; s: number }[]; total: number }>;
  /** The first `limit` rows containing the pattern (row order), and how many do. */
  substructure(
    pattern: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<{ hits: number[]; total: number }>;
}

export interface SimilarQuery {
  /** The query's fingerprint (computed only when the search runs in memory). */
  fp: () => Promise<Uint32Array>;
  smiles: string;
  threshold: number;
  limit: number;
  exclude?: number;
}

/** Same hits and order as a full scan (ties in row order); rows without a structure (empty fingerprint) never hit. */
async function similar(index: FingerprintIndex, counts: Uint16Array, q: SimilarQuery, signal?: AbortSignal) {
  const found = await index.threshold(await q.fp(), q.threshold, { signal });
  const hits = found.filter(({ row }) => counts[row] && row !== q.exclude).map(({ row, similarity }) => ({
    i: row,
    s: similarity,
  }));
  return { hits: hits.slice(0, q.limit), total: hits.length };
}

async function substructure(rows: Promise<number[]>, limit: number) {
  const all = await rows;
  return { hits: all.slice(0, limit), total: all.length };
}

/** The library named by `ref` (an id or a name the caller owns), or the dataset when no library is given. */
export function searchSpace(ref: string | undefined, ctx: ToolContext): SearchSpace {
  if (!ref) {
    const d = ctx.data;
    const store = d.source;
    return {
      label: "the dataset",
      compounds: d.compounds,
      fingerprints: d.fingerprints,
      fpCounts: d.fpCounts,
      provenance: { source: store.info.label, note: `searched ${d.stats.with_structure} structures` },
      pushdown: !!(store.similar && store.substructure),
      similar: store.similar
        ? async (q, signal) => {
          const { hits, total } = await store.similar!(q, signal);
          return { hits: hits.map(({ index, similarity }) => ({ i: index, s: similarity })), total };
        }
        : (q, signal) => similar(d.fpIndex, d.fpCounts, q, signal),
      substructure: store.substructure
        ? async (p, limit, signal) => {
          // The pattern is checked by RDKit (limits, syntax) before it reaches the database.
          await ctx.chem.checkQuery(p, { signal });
          return await store.substructure!(p, limit, signal);
        }
        : (p, limit, signal) => substructure(ctx.substructures.matches(p, signal), limit),
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
    pushdown: false,
    similar: (q, signal) => similar(lib.fpIndex, lib.fpCounts, q, signal),
    substructure: (p, limit, signal) =>
      substructure(librarySubstructure(ctx.chem, lib, p, { signal }), limit),
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
