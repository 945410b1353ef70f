/** @module similarity_search: Morgan r2/2048 Tanimoto over the whole dataset (packed bitsets). */
import { z } from "zod";
import { defineTool, ref } from "./define.ts";
import { resolveMolecule } from "./resolve.ts";
import { compoundProvenance, summarize } from "./views.ts";

export const similaritySearch = defineTool({
  name: "similarity_search",
  description:
    "Compounds whose Morgan (r=2, 2048 bits) Tanimoto similarity to a compound or SMILES is ≥ threshold.",
  args: z.object({
    compound: ref.compound.optional(),
    smiles: ref.compound.optional(),
    threshold: ref.threshold.default(0.7),
    limit: ref.limit(500, 10),
    include_self: z.boolean().default(false),
  }).refine((a) => a.compound || a.smiles, { message: "give compound or smiles" }),
  async run(args, ctx) {
    const mol = await resolveMolecule(args, ctx);
    // Dataset compounds use their precomputed fingerprint; a user's structure is fingerprinted in a worker.
    const fp = (mol.compound && ctx.data.fingerprintOf(mol.compound)) ||
      await ctx.chem.fingerprint(mol.smiles, { signal: ctx.signal, trusted: !!mol.compound });
    // Popcount-sorted index with Tanimoto bounds (core/search): same hits and order as a full scan, ties in
    // dataset order. Compounds without a structure have empty fingerprints (score 0) and are never hits.
    const selfIndex = mol.compound ? ctx.data.indexOf(mol.compound) : -1;
    const found = await ctx.data.fpIndex.threshold(fp, args.threshold, { signal: ctx.signal });
    const hits = found
      .filter(({ row }) => ctx.data.fpCounts[row] && (args.include_self || row !== selfIndex))
      .map(({ row, similarity }) => ({ i: row, s: similarity }));
    const top = hits.slice(0, args.limit).map(({ i, s }) => ({
      ...summarize(ctx.data.compounds[i]),
      similarity: Math.round(s * 1e4) / 1e4,
    }));
    return {
      query: mol.compound ? summarize(mol.compound) : { smiles: mol.smiles },
      threshold: args.threshold,
      total_above_threshold: hits.length,
      hits: top,
      method: "Morgan radius 2, 2048 bits, Tanimoto",
      provenance: [
        ...(mol.compound ? compoundProvenance(mol.compound) : []),
        { source: `RDKit ${ctx.chem.version}`, note: "Morgan fingerprints" },
        { source: "ChEMBL 18 + DrugCentral", note: `searched ${ctx.data.stats.with_structure} structures` },
      ],
    };
  },
});
