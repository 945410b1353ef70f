/** @module potency: bioactivity values (IC50, Ki, Kd, EC50) of compounds on targets, from ChEMBL activities. */
import { z } from "zod";
import { ChemAgentError } from "../errors.ts";
import { POTENCY_TYPES } from "../data/source.ts";
import { defineTool, ref } from "./define.ts";
import { name, table } from "./render_md.ts";
import { resolveCompound, resolveTargets } from "./resolve.ts";
import { summarize } from "./views.ts";

export const potency = defineTool({
  name: "potency",
  description:
    "Measured potency (IC50, Ki, Kd, EC50 with relation, units and pChEMBL value) of compounds on " +
    "targets, best first; filters by value (nM) or pChEMBL. Needs a source with ChEMBL activities.",
  args: z.object({
    compounds: z.array(ref.compound).max(25).default([]),
    targets: z.array(ref.compound).max(25).default([]),
    types: z.array(z.enum(POTENCY_TYPES)).max(4).default([]),
    max_nm: z.number().positive().max(1e12).optional(),
    min_pchembl: z.number().min(0).max(15).optional(),
    limit: ref.limit(500, 20),
  }).refine((a) => a.compounds.length || a.targets.length, { message: "give compounds or targets" }),
  async run(args, ctx) {
    const store = ctx.data.source;
    if (!store.activities) {
      throw new ChemAgentError(
        "not_available",
        `Not available: the data source (${store.info.label}) has no potency (IC50/Ki/Kd/EC50) values.`,
      );
    }
    const compounds = await Promise.all(
      args.compounds.map(async (c) => (await resolveCompound(c, ctx)).compound),
    );
    // A target name shared across species means the first-ranked (human) record, as everywhere else.
    const targets = args.targets.map((t) => resolveTargets(t, ctx)[0]);
    const { rows, total } = await store.activities({
      compounds: compounds.map((c) => c.id),
      targets: targets.map((t) => t.id),
      types: args.types,
      ...(args.max_nm !== undefined ? { maxNm: args.max_nm } : {}),
      ...(args.min_pchembl !== undefined ? { minPchembl: args.min_pchembl } : {}),
      limit: args.limit,
    });
    const activities = rows.map((a) => {
      const t = ctx.data.targetById(a.target);
      return {
        compound: summarize(ctx.data.compoundById(a.compound)!),
        target: { id: a.target, name: t?.name ?? a.target, genes: t?.genes ?? [] },
        type: a.type,
        relation: a.relation,
        value: a.value,
        units: a.units,
        pchembl: a.pchembl,
        assay: a.assay,
        source: `${store.info.label} activity ${a.activity_id} (assay ${a.assay})`,
      };
    });
    return {
      compounds: compounds.map(summarize),
      targets: targets.map((t) => ({ id: t.id, name: t.name, genes: t.genes })),
      filters: {
        types: args.types.length ? args.types : [...POTENCY_TYPES],
        ...(args.max_nm !== undefined ? { max_nm: args.max_nm } : {}),
        ...(args.min_pchembl !== undefined ? { min_pchembl: args.min_pchembl } : {}),
      },
      total,
      activities,
      provenance: [
        { source: store.info.label, note: "activities → assays → target_dictionary (standard values)" },
        ...rows.slice(0, 20).map((a) => ({
          source: store.info.label,
          id: a.assay,
          note: `activity ${a.activity_id}`,
        })),
      ],
    };
  },
  render(out) {
    const limits = [
      out.filters.max_nm !== undefined ? `≤ ${out.filters.max_nm} nM` : "",
      out.filters.min_pchembl !== undefined ? `pChEMBL ≥ ${out.filters.min_pchembl}` : "",
    ].filter(Boolean).join(", ");
    const what = `${out.filters.types.join("/")}${limits ? ` (${limits})` : ""}`;
    const on = [
      out.compounds.map((c) => name(c)).join(", "),
      out.targets.map((t) => `${t.name}${t.genes.length ? ` (${t.genes.join(", ")})` : ""}`).join(", "),
    ].filter(Boolean).join(" on ");
    if (!out.activities.length) return `No ${what} values recorded for ${on}.`;
    return `${out.total} ${out.filters.types.join("/")} value${out.total === 1 ? "" : "s"}` +
      `${limits ? ` (${limits})` : ""} for ${on}` +
      (out.total > out.activities.length ? ` (best ${out.activities.length} shown)` : "") + ":\n\n" +
      table(
        ["Compound", "Target", "Type", "Value", "pChEMBL", "Source"],
        out.activities.map((a) => [
          name(a.compound),
          a.target.genes[0] ?? a.target.name,
          a.type,
          a.value === null
            ? "—"
            : `${a.relation && a.relation !== "=" ? `${a.relation} ` : ""}${a.value} ${a.units ?? ""}`.trim(),
          a.pchembl ?? "—",
          a.source,
        ]),
      );
  },
});
