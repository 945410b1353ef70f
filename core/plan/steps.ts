/** @module Plan pieces shared by the intent planners and the workflow planner: similarity with its filters and
 * ranking, question filters as tool arguments (relative ones through a reference step), target/ligand sets. */
import type { Parsed } from "../intent/parse.ts";
import { TARGET_FIELDS } from "../intent/lexicon.ts";
import type { EntityRef, StepRef } from "../types.ts";
import { type PlanBuilder, ref } from "./builder.ts";

/** Similarity threshold for questions that give neither a threshold nor a count (Morgan r2 Tanimoto). */
export const DEFAULT_NL_THRESHOLD = 0.5;
/** Similarity floor when the hits are filtered or ranked afterwards (the filter needs candidates). */
export const FILTERED_NL_THRESHOLD = 0.3;
/** Most molecules one similarity question searches from. */
export const MAX_SIMILARITY_QUERIES = 5;
/** Most hits a workflow fans out over (targets of each hit, ligands of each target). */
export const MAX_FANOUT = 10;

export type Molecule = { compound?: string; smiles?: string; label: string };
export type Subject = { compound?: string | StepRef; smiles?: string };

export const refText = (r: EntityRef) => r.id ?? r.text;

/** What every intent planner gets: the parse, the builder and the resolved basics. */
export interface PlanInput {
  parsed: Parsed;
  b: PlanBuilder;
  molecules: Molecule[];
  limit: number | undefined;
}

/** Filters of the question as tool arguments: numeric ones, relative ones (a reference look-up step first)
 * and the development phase. `subject` is the compound "fewer rings" is relative to when no "than X". */
export function filterArgs(p: PlanInput, subject?: Subject): Record<string, unknown> {
  const e = p.parsed.intent.entities;
  const filters: unknown[] = [...e.filters];
  const refSteps = new Map<string, string>();
  for (const r of e.relative ?? []) {
    const who = r.than ?? (typeof subject?.compound === "string" ? subject.compound : subject?.smiles);
    if (!who) continue;
    let step = refSteps.get(who);
    if (!step) {
      const isSmiles = !r.than && !subject?.compound;
      step = p.b.add(
        "properties",
        isSmiles ? { smiles: who } : { compound: who },
        `reference values: ${who}`,
      );
      refSteps.set(who, step);
    }
    filters.push({ property: r.property, op: r.op, value: ref(step, `properties.${r.property}`) });
  }
  return {
    filters,
    ...(e.phase ? { phase: e.phase } : {}),
    ...(e.approval_year ? { approval_year: e.approval_year } : {}),
  };
}

export const hasFilters = (p: PlanInput) => {
  const e = p.parsed.intent.entities;
  return e.filters.length > 0 || (e.relative?.length ?? 0) > 0 || !!e.phase || !!e.approval_year;
};

/** Similarity from one molecule; a count without a threshold means exactly that many, ranked (no cut-off). */
export function similarFrom(p: PlanInput, mol: Subject, after?: string): { last: string; path: string } {
  const { parsed, b, limit } = p;
  const e = parsed.intent.entities;
  const ranked = parsed.actions.includes("rank");
  const wide = hasFilters(p) || ranked;
  // A count means exactly that many (no cut-off); filters get a wider pool to choose from.
  const threshold = e.threshold ??
    (e.limit !== undefined ? 0 : wide ? FILTERED_NL_THRESHOLD : DEFAULT_NL_THRESHOLD);
  const sim = b.add(
    "similarity_search",
    { ...mol, threshold, limit: wide ? 500 : limit ?? 10 },
    e.limit !== undefined && e.threshold === undefined
      ? `the ${e.limit} most similar compounds`
      : "find similar compounds",
    after ? { depends_on: [after] } : {},
  );
  let last = sim;
  let path = "hits[].id";
  if (hasFilters(p)) {
    last = b.add("filter_by_properties", {
      compounds: ref(sim, "hits[].id"),
      ...filterArgs(p, mol),
      limit: ranked ? 500 : limit ?? 10,
    }, "filter by properties");
    path = "compounds[].id";
  }
  if (ranked) {
    last = rankStep(p, last, path, limit ?? 10);
    path = "compounds[].id";
  }
  return { last, path };
}

export function rankStep(p: PlanInput, from: string, path: string, limit: number): string {
  const by = rankKey(p.parsed);
  return p.b.add(
    "rank",
    { compounds: ref(from, path), by: by.property, order: by.order, limit },
    `rank by ${by.property}`,
  );
}

/** Ligands shared by every named target ("drugs hitting both DRD2 and HTR2A"). */
export function commonLigands(p: PlanInput): string {
  const { parsed, b, limit } = p;
  const targets = parsed.intent.entities.targets;
  const common = b.add(
    "intersect_ligands",
    { targets: targets.map(refText), include_activity: true, limit: hasFilters(p) ? 2000 : limit ?? 200 },
    `ligands shared by ${targets.map((t) => t.text).join(" and ")}`,
  );
  if (!hasFilters(p)) return common;
  return b.add(
    "filter_by_properties",
    { compounds: ref(common, "ligands[].id"), ...filterArgs(p), limit: limit ?? 200 },
    "filter the shared ligands",
  );
}

export function commonTargets(p: PlanInput): string {
  const { b, molecules } = p;
  const sets = molecules.map((m) =>
    b.add(
      "targets_of_compound",
      { compound: m.compound ?? m.smiles, include_activity: false },
      `targets of ${m.label}`,
    )
  );
  return b.add(
    "intersect_targets",
    { sets: sets.map((s) => ref(s, "targets[].id")), labels: molecules.map((m) => m.label) },
    "targets in common",
    { depends_on: sets },
  );
}

export function rankKey(parsed: Parsed): { property: string; order: "asc" | "desc" } {
  const e = parsed.intent.entities;
  const numeric = e.properties.filter((p) =>
    !["lipinski", "veber", "formula", "smiles", "inchi", "inchikey", "all"].includes(p) &&
    !TARGET_FIELDS.has(p) &&
    /^(?:molecular_weight|exact_mass|clogp|molar_refractivity|hbd|hba|tpsa|rotatable_bonds|rings|aromatic_rings|heavy_atoms|fraction_sp3|stereocenters)$/
      .test(p)
  );
  const filterProps = new Set(e.filters.map((f) => f.property));
  const property = numeric.find((p) => !filterProps.has(p as never)) ?? numeric[0] ?? "molecular_weight";
  const order = e.comparison?.direction === "lower" ? "asc" : "desc";
  return { property, order };
}
