/** @module similarity_search: Morgan r2/2048 Tanimoto over the whole dataset (packed bitsets). */
import { z } from "zod";
import { bulkTanimoto } from "../chem/fingerprint.ts";
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
    const scores = bulkTanimoto(fp, ctx.data.fingerprints, ctx.data.fpCounts);
    const selfIndex = mol.compound ? ctx.data.indexOf(mol.compound) : -1;
    const hits: { i: number; s: number }[] = [];
    for (let i = 0; i < scores.length; i++) {
      if (scores[i] >= args.threshold && ctx.data.fpCounts[i] && (args.include_self || i !== selfIndex)) {
        hits.push({ i, s: scores[i] });
      }
    }
    // Sorted by similarity; ties keep dataset order (stable sort), so results are reproducible.
    hits.sort((a, b) => b.s - a.s);
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
