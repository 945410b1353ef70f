/** @module compound_lookup: ChEMBL ID, name, synonym, salt form or SMILES → one dataset compound. */
import { z } from "zod";
import { defineTool, ref } from "./define.ts";
import { normalizeName } from "../data/normalize.ts";
import { resolveCompound } from "./resolve.ts";
import { compoundProvenance, compoundView, summarize, targetView } from "./views.ts";

export const compoundLookup = defineTool({
  name: "compound_lookup",
  description:
    "Find a compound by ChEMBL ID, name/synonym (salt forms resolve to the parent) or SMILES (exact structure).",
  args: z.object({ query: ref.compound }),
  run({ query }, ctx) {
    const { compound, matched_by, alternatives } = resolveCompound(query, ctx);
    const mechs = ctx.data.mechanismsOf(compound.id);
    const primary = mechs.filter((m) => m.primary);
    const targets = [...new Set(primary.map((m) => m.target))].map((id) => ctx.data.targetById(id)!).map(
      targetView,
    );
    return {
      compound: compoundView(compound),
      matched_by,
      query,
      alternatives: alternatives.map(summarize),
      /** Each ATC code with the name of its level-4 group ("M01AE01" → "Propionic acid derivatives"). */
      atc_groups: Object.fromEntries(
        compound.atc.map((code) => [code, ctx.data.atcLevels[code.slice(0, 5)] ?? null]),
      ),
      targets_summary: {
        curated: targets.length,
        activity_only: new Set(mechs.filter((m) => !m.primary).map((m) => m.target)).size,
        genes: [...new Set(targets.flatMap((t) => t.genes))].sort(),
        targets: targets.slice(0, 10),
      },
      provenance: [
        ...compoundProvenance(compound),
        // Query expansion: say which synonym or salt form led to the compound.
        ...(matched_by !== "chembl_id" && normalizeName(query) !== normalizeName(compound.name)
          ? [{
            source: "synonym index",
            id: compound.id,
            note: `"${query.trim()}" = ${compound.name} (${matched_by.replace("_", " ")})`,
          }]
          : []),
      ],
    };
  },
});
