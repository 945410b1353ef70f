/** @module intersect_targets: targets shared by every input set (e.g. targets of A ∩ targets of B). */
import { z } from "zod";
import { defineTool } from "./define.ts";
import { targetView } from "./views.ts";

export const intersectTargets = defineTool({
  name: "intersect_targets",
  description: "Targets present in every given list of target IDs.",
  args: z.object({
    sets: z.array(z.array(z.string()).max(5000)).min(2, "needs at least two sets").max(20),
    labels: z.array(z.string()).optional(),
  }),
  run({ sets, labels }, ctx) {
    const [first, ...rest] = sets.map((s) => new Set(s));
    const common = [...first].filter((id) => rest.every((s) => s.has(id))).sort();
    const union = new Set(sets.flat());
    return {
      labels: labels ?? sets.map((_, i) => `set ${i + 1}`),
      sizes: sets.map((s) => new Set(s).size),
      common: common.map((id) => ctx.data.targetById(id)).filter((t) => !!t).map((t) => targetView(t!)),
      union_size: union.size,
      jaccard: union.size ? Math.round((common.length / union.size) * 1000) / 1000 : 0,
      provenance: [],
    };
  },
});
