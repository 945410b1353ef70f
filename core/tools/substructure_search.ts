/** @module substructure_search: SMARTS/SMILES query over every structure in the dataset. */
import { z } from "zod";
import { defineTool, ref } from "./define.ts";
import { summarize } from "./views.ts";

export const substructureSearch = defineTool({
  name: "substructure_search",
  description: "Compounds containing a substructure given as SMARTS or SMILES.",
  args: z.object({ query: ref.compound, limit: ref.limit(1000, 20) }),
  async run({ query, limit }, ctx) {
    const store = ctx.data.source;
    // The pattern is checked by RDKit (limits, syntax) before it reaches the database.
    if (store.substructure) await ctx.chem.checkQuery(query, { signal: ctx.signal });
    const { hits, total } = store.substructure
      ? await store.substructure(query, limit, ctx.signal)
      : await ctx.substructures.matches(query, ctx.signal).then((rows) => ({
        hits: rows,
        total: rows.length,
      }));
    return {
      query,
      total,
      hits: hits.slice(0, limit).map((i) => summarize(ctx.data.compounds[i])),
      provenance: [{
        source: store.substructure ? "RDKit PostgreSQL cartridge" : `RDKit ${ctx.chem.version}`,
        note: store.substructure
          ? "`@>` match on rdk.mols (GiST index)"
          : "SubstructLibrary match (pattern-fingerprint screen, chunked in workers)",
      }, {
        source: store.info.label,
        note: `searched ${ctx.data.stats.with_structure} structures`,
      }],
    };
  },
});
