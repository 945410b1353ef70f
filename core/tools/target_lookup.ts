/** @module target_lookup: one target's record (UniProt accession, genes, family, organism) and how many
 * ligands the dataset records for it. */
import { z } from "zod";
import { defineTool, ref } from "./define.ts";
import { resolveTargets } from "./resolve.ts";
import { aliasesOf } from "./targets.ts";
import { targetView } from "./views.ts";

export const targetLookup = defineTool({
  name: "target_lookup",
  description: "A target's record: UniProt accessions, gene symbols, family, organism and ligand counts.",
  args: z.object({ target: ref.compound }),
  run({ target }, ctx) {
    const t = resolveTargets(target, ctx)[0];
    const mechs = ctx.data.mechanismsAt(t.id);
    return {
      target: targetView(t),
      /** Other gene symbols (HGNC aliases) the target is known by. */
      aliases: aliasesOf(t, ctx.data),
      ligand_count: new Set(mechs.map((m) => m.compound)).size,
      curated_count: new Set(mechs.filter((m) => m.primary).map((m) => m.compound)).size,
      provenance: t.sources.map((source) => ({ source, id: t.id })),
    };
  },
});
