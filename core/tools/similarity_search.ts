/** @module similarity_search: Morgan r2/2048 Tanimoto over the whole dataset (packed bitsets). */
import { z } from "zod";
import { bulkTanimoto } from "../chem/fingerprint.ts";
import { defineTool, ref } from "./define.ts";
import { resolveMolecule } from "./resolve.ts";
import { compoundProvenance, summarize } from "./views.ts";
import type { SimilarityHit } from "../data/source.ts";
import type { ToolContext } from "./context.ts";
import type { AdHocMolecule } from "./resolve.ts";

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
    const selfIndex = mol.compound ? ctx.data.indexOf(mol.compound) : -1;
    const exclude = args.include_self ? undefined : selfIndex;
    const { hits, total } = ctx.data.source.similar
      ? await ctx.data.source.similar(
        { smiles: mol.smiles, threshold: args.threshold, limit: args.limit, exclude },
        ctx.signal,
      )
      : await inMemory(mol, args.threshold, exclude, ctx);
    const top = hits.slice(0, args.limit).map(({ index, similarity }) => ({
      ...summarize(ctx.data.compounds[index]),
      similarity: Math.round(similarity * 1e4) / 1e4,
    }));
    return {
      query: mol.compound ? summarize(mol.compound) : { smiles: mol.smiles },
      threshold: args.threshold,
      total_above_threshold: total,
      hits: top,
      method: "Morgan radius 2, 2048 bits, Tanimoto",
      provenance: [
        ...(mol.compound ? compoundProvenance(mol.compound) : []),
        { source: `RDKit ${ctx.chem.version}`, note: "Morgan fingerprints" },
        {
          source: ctx.data.source.info.label,
          note: `searched ${ctx.data.stats.with_structure} structures` +
            (ctx.data.source.similar ? " (RDKit cartridge, `%` operator)" : ""),
        },
      ],
    };
  },
});

/** The embedded search: packed bitsets in memory, best first, ties in dataset order (stable sort). */
async function inMemory(
  mol: AdHocMolecule,
  threshold: number,
  exclude: number | undefined,
  ctx: ToolContext,
): Promise<{ hits: SimilarityHit[]; total: number }> {
  // Dataset compounds use their precomputed fingerprint; a user's structure is fingerprinted in a worker.
  const fp = (mol.compound && ctx.data.fingerprintOf(mol.compound)) ||
    await ctx.chem.fingerprint(mol.smiles, { signal: ctx.signal, trusted: !!mol.compound });
  const scores = bulkTanimoto(fp, ctx.data.fingerprints, ctx.data.fpCounts);
  const hits: SimilarityHit[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] >= threshold && ctx.data.fpCounts[i] && i !== exclude) {
      hits.push({ index: i, similarity: scores[i] });
    }
  }
  return { hits: hits.sort((a, b) => b.similarity - a.similarity), total: hits.length };
}
