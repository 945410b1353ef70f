/** @module substructure_search: SMARTS/SMILES query over every structure in the dataset. */
import { z } from "zod";
import { defineTool, ref } from "./define.ts";
import { libraryOf, searchSpace } from "./search_space.ts";
import { summarize } from "./views.ts";

export const substructureSearch = defineTool({
  name: "substructure_search",
  description: "Compounds containing a substructure given as SMARTS or SMILES.",
  args: z.object({
    query: ref.compound,
    limit: ref.limit(1000, 20),
    /** Search one of the caller's libraries (id or name) instead of the dataset. */
    library: z.string().trim().min(1).max(200).optional(),
  }),
  async run({ query, limit, library }, ctx) {
    const space = searchSpace(library, ctx);
    const { hits, total } = await space.substructure(query, limit, ctx.signal);
    return {
      query,
      ...libraryOf(space),
      total,
      hits: hits.map((i) => summarize(space.compounds[i])),
      provenance: [{
        source: space.pushdown ? "RDKit PostgreSQL cartridge" : `RDKit ${ctx.chem.version}`,
        note: space.pushdown
          ? "`@>` match on rdk.mols (GiST index)"
          : "SubstructLibrary match (pattern-fingerprint screen, chunked in workers)",
      }, space.provenance],
    };
  },
});
