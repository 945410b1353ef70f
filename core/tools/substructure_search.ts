/** @module substructure_search: SMARTS/SMILES query over every structure in the dataset. */
import { z } from "zod";
import { defineTool, ref } from "./define.ts";
import { summarize } from "./views.ts";

export const substructureSearch = defineTool({
  name: "substructure_search",
  description: "Compounds containing a substructure given as SMARTS or SMILES.",
  args: z.object({ query: ref.compound, limit: ref.limit(1000, 20) }),
  async run({ query, limit }, ctx) {
    const rows = await ctx.substructures.matches(query, ctx.signal);
    return {
      query,
      total: rows.length,
      hits: rows.slice(0, limit).map((i) => summarize(ctx.data.compounds[i])),
      provenance: [{
        source: `RDKit ${ctx.chem.version}`,
        note: "SubstructLibrary match (pattern-fingerprint screen, chunked in workers)",
      }, {
        source: "ChEMBL 18 + DrugCentral",
        note: `searched ${ctx.data.stats.with_structure} structures`,
      }],
    };
  },
});
