/** @module compare_properties, filter_by_properties and rank: set operations over computed descriptors. */
import { z } from "zod";
import type { Compound } from "../data/model.ts";
import { LIBRARY_DESCRIPTORS } from "../chem/standardize.ts";
import { ChemAgentError } from "../errors.ts";
import type { ToolContext } from "./context.ts";
import { defineTool, ref } from "./define.ts";
import {
  NUMERIC_PROPERTIES,
  type NumericProperty,
  PROPERTY_INFO,
  propertyValue,
} from "./property_catalog.ts";
import { resolveCompound } from "./resolve.ts";
import { libraryCompound, libraryOf, searchSpace } from "./search_space.ts";
import { compoundProvenance, dedupeProvenance, summarize } from "./views.ts";

const property = z.enum(NUMERIC_PROPERTIES, { error: `must be one of ${NUMERIC_PROPERTIES.join(", ")}` });
export const filterSchema = z.object({
  property,
  op: z.enum(["<", "<=", ">", ">=", "=", "between"]),
  value: z.number(),
  value2: z.number().optional(),
});
export type PropertyFilter = z.infer<typeof filterSchema>;

/** The properties a library keeps per structure (plus Lipinski violations, computed from them). */
const LIBRARY_PROPERTIES = new Set<string>([...LIBRARY_DESCRIPTORS, "lipinski_violations"]);

async function withStructure(refs: string[], ctx: ToolContext): Promise<Compound[]> {
  const seen = new Set<string>();
  const out: Compound[] = [];
  for (const r of refs) {
    const compound = libraryCompound(r, ctx) ?? (await resolveCompound(r, ctx)).compound;
    if (seen.has(compound.id)) continue;
    seen.add(compound.id);
    out.push(compound);
  }
  return out;
}

export function passes(c: Compound, filters: PropertyFilter[]): boolean {
  if (!filters.length) return true;
  if (!c.descriptors) return false;
  return filters.every((f) => {
    const v = propertyValue(c.descriptors!, f.property);
    switch (f.op) {
      case "<":
        return v < f.value;
      case "<=":
        return v <= f.value;
      case ">":
        return v > f.value;
      case ">=":
        return v >= f.value;
      case "=":
        return Math.abs(v - f.value) < 1e-9;
      case "between":
        return v >= Math.min(f.value, f.value2 ?? f.value) && v <= Math.max(f.value, f.value2 ?? f.value);
    }
  });
}

const valuesOf = (c: Compound, props: readonly NumericProperty[]) =>
  Object.fromEntries(props.map((p) => [p, c.descriptors ? propertyValue(c.descriptors, p) : null]));

export const compareProperties = defineTool({
  name: "compare_properties",
  description: "Side-by-side descriptors of 2–20 compounds, with the highest and lowest per property.",
  args: z.object({
    compounds: z.array(ref.compound).min(2, "needs at least two compounds").max(20, "at most 20 compounds"),
    properties: z.array(property).min(1).optional(),
  }),
  async run({ compounds, properties }, ctx) {
    const list = await withStructure(compounds, ctx);
    if (list.length < 2) {
      throw new ChemAgentError("invalid_parameter", "Comparison needs two different compounds.");
    }
    const props = properties ??
      ["molecular_weight", "clogp", "hbd", "hba", "tpsa", "rotatable_bonds", "aromatic_rings", "heavy_atoms"];
    const rows = list.map((c) => ({ ...summarize(c), values: valuesOf(c, props) }));
    const extremes = Object.fromEntries(props.map((p) => {
      const known = rows.filter((r) =>
        r.values[p] !== null
      ) as (typeof rows[number] & { values: Record<string, number> })[];
      if (known.length < 2) return [p, null];
      const sorted = [...known].sort((a, b) => b.values[p] - a.values[p]);
      const tie = sorted[0].values[p] === sorted[sorted.length - 1].values[p];
      return [p, {
        highest: tie ? null : sorted[0].id,
        lowest: tie ? null : sorted[sorted.length - 1].id,
        equal: tie,
        label: PROPERTY_INFO[p].label,
      }];
    }));
    return {
      properties: props,
      rows,
      extremes,
      provenance: dedupeProvenance(list.flatMap(compoundProvenance)),
    };
  },
});

const phaseSchema = z.object({
  min: z.number().int().min(0).max(4).optional(),
  max: z.number().int().min(0).max(4).optional(),
});

const inPhase = (c: Compound, p?: { min?: number; max?: number }) =>
  !p || ((c.phase ?? 0) >= (p.min ?? 0) && (c.phase ?? 0) <= (p.max ?? 4));

const inYears = (c: Compound, y?: { min?: number; max?: number }) =>
  !y ||
  (c.first_approval !== null && c.first_approval >= (y.min ?? 0) && c.first_approval <= (y.max ?? 9999));

export const filterByProperties = defineTool({
  name: "filter_by_properties",
  description:
    "Keep compounds (given, or the whole dataset) whose descriptors satisfy every filter and whose development " +
    "phase is in range (approved = phase 4); with no filter, shows the given compounds' values of `properties`.",
  args: z.object({
    // Lists from a per-item step (ligands of each target) arrive nested: one flat list is filtered.
    compounds: z.preprocess(
      (v) => (Array.isArray(v) ? [...new Set(v.flat(3))] : v),
      z.array(ref.compound).max(5000),
    ).optional(),
    filters: z.array(filterSchema).max(10).default([]),
    phase: phaseSchema.optional(),
    properties: z.array(property).max(14).optional(),
    approval_year: z.object({ min: z.number().int().optional(), max: z.number().int().optional() })
      .optional(),
    /** Keep only compounds in this set (class members, another step's hits). */
    within: z.array(z.string()).max(20000).optional(),
    limit: ref.limit(5000, 50),
    /** Filter one of the caller's libraries (id or name) instead of the dataset. */
    library: z.string().trim().min(1).max(200).optional(),
  }).refine((a) => a.compounds || a.filters.length || a.phase || a.approval_year || a.library, {
    message: "give compounds, filters or a phase",
  }),
  async run({ compounds, filters, phase, properties, within, approval_year: year, limit, library }, ctx) {
    const space = library ? searchSpace(library, ctx) : null;
    const missing = space ? filters.filter((f) => !LIBRARY_PROPERTIES.has(f.property)) : [];
    if (missing.length) {
      throw new ChemAgentError(
        "not_available",
        `Libraries keep ${[...LIBRARY_PROPERTIES].join(", ")}; ${
          missing.map((f) => f.property).join(", ")
        } is not stored for library structures.`,
      );
    }
    const given = compounds && space ? new Set(compounds) : null;
    const pool = space
      ? (given ? space.compounds.filter((c) => given.has(c.id)) : space.compounds)
      : compounds
      ? await withStructure(compounds, ctx)
      : ctx.data.compounds;
    const inSet = within ? new Set(within) : null;
    const kept = pool.filter((c) =>
      passes(c, filters) && inPhase(c, phase) && inYears(c, year) &&
      (!inSet || c.chembl_ids.some((id) => inSet.has(id)) || inSet.has(c.id))
    );
    const props = [...new Set([...filters.map((f) => f.property), ...(properties ?? [])])];
    return {
      ...(space ? libraryOf(space) : {}),
      filters,
      ...(phase ? { phase } : {}),
      ...(within ? { within_size: within.length } : {}),
      ...(year ? { approval_year: year } : {}),
      considered: pool.length,
      total: kept.length,
      compounds: kept.slice(0, limit).map((c) => ({ ...summarize(c), values: valuesOf(c, props) })),
      provenance: [
        space
          ? space.provenance
          : { source: ctx.data.source.info.label, note: "descriptors computed with RDKit" },
      ],
    };
  },
});

export const rank = defineTool({
  name: "rank",
  description: "Order compounds by a property (descending by default).",
  args: z.object({
    compounds: z.array(ref.compound).max(5000),
    by: property,
    order: z.enum(["asc", "desc"]).default("desc"),
    limit: ref.limit(5000, 50),
  }),
  async run({ compounds, by, order, limit }, ctx) {
    const list = (await withStructure(compounds, ctx)).filter((c) => c.descriptors);
    const sign = order === "asc" ? 1 : -1;
    const ranked = list.map((c) => ({ ...summarize(c), value: propertyValue(c.descriptors!, by) }))
      .sort((a, b) => sign * (a.value - b.value));
    return {
      by,
      order,
      total: ranked.length,
      compounds: ranked.slice(0, limit),
      provenance: [{ source: `RDKit ${ctx.chem.version}`, note: `ranked by ${by}` }],
    };
  },
});
