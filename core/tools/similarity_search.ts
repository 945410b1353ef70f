/** @module similarity_search: Morgan r2/2048 Tanimoto over the dataset or a library (see search_space.ts). */
import { z } from "zod";
import { defineTool, ref } from "./define.ts";
import { resolveMolecule } from "./resolve.ts";
import { libraryOf, searchSpace } from "./search_space.ts";
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
    /** Search one of the caller's libraries (id or name) instead of the dataset. */
    library: z.string().trim().min(1).max(200).optional(),
  }).refine((a) => a.compound || a.smiles, { message: "give compound or smiles" }),
  async run(args, ctx) {
    const mol = await resolveMolecule(args, ctx);
    const space = searchSpace(args.library, ctx);
    const selfIndex = mol.compound && !space.library ? ctx.data.indexOf(mol.compound) : -1;
    const { hits, total } = await space.similar({
      // Dataset compounds use their precomputed fingerprint; a user's structure is fingerprinted in a worker.
      fp: async () =>
        (mol.compound && ctx.data.fingerprintOf(mol.compound)) ||
        await ctx.chem.fingerprint(mol.smiles, { signal: ctx.signal, trusted: !!mol.compound }),
      smiles: mol.smiles,
      threshold: args.threshold,
      limit: args.limit,
      exclude: args.include_self || selfIndex < 0 ? undefined : selfIndex,
    }, ctx.signal);
    const top = hits.map(({ i, s }) => ({
      ...summarize(space.compounds[i]),
      similarity: Math.round(s * 1e4) / 1e4,
    }));
    return {
      query: mol.compound ? summarize(mol.compound) : { smiles: mol.smiles },
      ...libraryOf(space),
      threshold: args.threshold,
      total_above_threshold: total,
      hits: top,
      method: "Morgan radius 2, 2048 bits, Tanimoto",
      provenance: [
        ...(mol.compound ? compoundProvenance(mol.compound) : []),
        { source: `RDKit ${ctx.chem.version}`, note: "Morgan fingerprints" },
        space.pushdown
          ? { ...space.provenance, note: `${space.provenance.note} (RDKit cartridge, \`%\` operator)` }
          : space.provenance,
      ],
    };
  },
});
