/** @module Planner: Intent (+ recognised actions) → a DAG of tool steps; workflows chain steps by reference.
 * Only steps the question asked for: every step traces back to an action or a constraint of the question. */
import type { Parsed } from "../intent/parse.ts";
import type { Plan } from "../types.ts";
import { PlanBuilder, ref } from "./builder.ts";
import {
  commonLigands,
  commonTargets,
  filterArgs,
  hasFilters,
  MAX_FANOUT,
  MAX_SIMILARITY_QUERIES,
  type Molecule,
  type PlanInput,
  rankStep,
  refText,
  similarFrom,
} from "./steps.ts";
import { planWorkflow } from "./workflow.ts";

export { DEFAULT_NL_THRESHOLD, FILTERED_NL_THRESHOLD, MAX_FANOUT, MAX_SIMILARITY_QUERIES } from "./steps.ts";

/** Most inputs one batch query may name (documented in docs/user-guide.md). */
export const MAX_BATCH = 25;
/** Builds the plan. Independent steps (per-compound lookups) have no dependencies and run in parallel. */
export function planFor(parsed: Parsed, defaults: { limit?: number } = {}): Plan {
  if (parsed.error) return { steps: [] };
  const e = parsed.intent.entities;
  const named: Molecule[] = [
    ...e.compounds.filter((c) => c.role !== "reference").map((c) => ({
      compound: refText(c),
      label: c.text,
    })),
    ...e.smiles.map((s) => ({ smiles: s, label: s })),
  ];
  const input: PlanInput = {
    parsed,
    b: new PlanBuilder(),
    molecules: named.slice(0, MAX_BATCH),
    limit: e.limit ?? defaults.limit,
  };
  if (!parsed.potencyOnly) (PLANNERS[parsed.intent.type] ?? (() => {}))(input);
  if (e.potency) planPotency(input);
  return {
    steps: input.b.steps,
    ...(named.length > MAX_BATCH ? { truncated: { given: named.length, used: MAX_BATCH } } : {}),
  };
}

const PLANNERS: Record<string, (p: PlanInput) => void> = {
  compound_lookup: planPerMolecule,
  batch_query: planPerMolecule,
  property_query: planPerMolecule,
  property_comparison: planComparison,
  property_filter: planFilter,
  // "similar to A and B": one search per named molecule, none silently dropped.
  similarity_search: (p) => {
    for (const m of p.molecules.slice(0, MAX_SIMILARITY_QUERIES)) {
      similarFrom(p, { compound: m.compound, smiles: m.smiles });
    }
  },
  substructure_search: planSubstructure,
  target_query: planTargets,
  reverse_target_query: planLigands,
  target_comparison: (p) => commonTargets(p),
  multi_step_workflow: planWorkflow,
};

/** One tool per named molecule: look-up card, fields, descriptors, Lipinski or targets. */
function planPerMolecule(p: PlanInput) {
  const { parsed: { actions }, b, molecules } = p;
  if (actions.includes("class_members")) return planClass(p);
  const tool = actions.includes("targets")
    ? "targets_of_compound"
    : actions.includes("fields") || actions.includes("lookup") && !actions.includes("properties")
    ? "compound_lookup"
    : actions.includes("lipinski") && !actions.includes("properties")
    ? "lipinski"
    : actions.includes("properties") || p.parsed.intent.type !== "compound_lookup" &&
        p.parsed.intent.type !== "batch_query"
    ? "properties"
    : "compound_lookup";
  const alsoProperties = tool === "compound_lookup" && actions.includes("fields") &&
    (actions.includes("properties") || actions.includes("lipinski"));
  for (const m of molecules) {
    const args = tool === "compound_lookup"
      ? { query: m.compound ?? m.smiles }
      : tool === "targets_of_compound"
      ? { compound: m.compound ?? m.smiles, include_activity: false }
      : { ...(m.compound ? { compound: m.compound } : { smiles: m.smiles }) };
    b.add(tool, args, `${tool === "compound_lookup" ? "look up" : tool.replace(/_/g, " ")}: ${m.label}`);
    if (alsoProperties) {
      const t = actions.includes("properties") ? "properties" : "lipinski";
      b.add(t, m.compound ? { compound: m.compound } : { smiles: m.smiles }, `${t}: ${m.label}`);
    }
  }
}

function planComparison({ parsed, b, molecules }: PlanInput) {
  const e = parsed.intent.entities;
  const lookups = molecules.map((m) =>
    b.add("compound_lookup", { query: m.compound ?? m.smiles }, `look up ${m.label}`)
  );
  b.add(
    "compare_properties",
    {
      compounds: lookups.map((s) => ref(s, "compound.id")),
      ...(e.comparison ? { properties: [e.comparison.property] } : {}),
    },
    "compare properties",
    { depends_on: lookups },
  );
}

function planFilter(p: PlanInput) {
  const { parsed: { actions }, b, molecules, limit } = p;
  if (actions.includes("class_members")) return planClass(p);
  if (!hasFilters(p)) return; // nothing servable to filter by (e.g. only a property the data lacks)
  if (molecules.length) {
    b.add("filter_by_properties", {
      compounds: molecules.map((m) => m.compound ?? m.smiles),
      ...filterArgs(p),
      limit: limit ?? 50,
    }, "filter by properties");
    return;
  }
  const ranked = actions.includes("rank");
  const f = b.add(
    "filter_by_properties",
    { ...filterArgs(p), limit: ranked ? 5000 : limit ?? 25 },
    "filter the dataset",
  );
  if (ranked) rankStep(p, f, "compounds[].id", limit ?? 25);
}

function planSubstructure(p: PlanInput) {
  const { parsed, b, limit } = p;
  const e = parsed.intent.entities;
  const q = parsed.substructure?.query ?? e.smiles[0];
  const ranked = parsed.actions.includes("rank") || e.limit !== undefined && !!e.comparison;
  const wide = hasFilters(p) || ranked;
  const s = b.add(
    "substructure_search",
    { query: q, limit: wide ? 1000 : limit ?? 20 },
    `substructure ${parsed.substructure?.label ?? q}`,
  );
  let last = s, path = "hits[].id";
  if (hasFilters(p)) {
    last = b.add(
      "filter_by_properties",
      { compounds: ref(s, path), ...filterArgs(p), limit: ranked ? 1000 : limit ?? 20 },
      "filter by properties",
    );
    path = "compounds[].id";
  }
  if (ranked) rankStep(p, last, path, limit ?? 20);
}

function planTargets(p: PlanInput) {
  const { parsed, b, molecules } = p;
  if (parsed.actions.includes("class_members")) return planClass(p);
  if (parsed.actions.includes("fields")) {
    for (const t of parsed.intent.entities.targets) {
      b.add("target_lookup", { target: refText(t) }, `look up target ${t.text}`);
    }
    return;
  }
  for (const m of molecules) {
    b.add(
      "targets_of_compound",
      { compound: m.compound ?? m.smiles, include_activity: true },
      `targets of ${m.label}`,
    );
  }
}

function planLigands(p: PlanInput) {
  const { parsed, b, limit } = p;
  const e = parsed.intent.entities;
  if (parsed.actions.includes("common_ligands")) return commonLigands(p);
  for (const t of e.targets) {
    const l = b.add(
      "ligands_of_target",
      { target: refText(t), limit: e.phase ? 2000 : limit ?? 200, include_activity: true },
      `ligands of ${t.text}`,
    );
    if (hasFilters(p)) {
      b.add("filter_by_properties", {
        compounds: ref(l, "ligands[].id"),
        ...filterArgs(p),
        limit: limit ?? 200,
      }, `filter the ligands of ${t.text}`);
    }
  }
}

/** Members of a named drug class, then the question's filters and ranking over them; with named compounds,
 * which of them are members ("which of these are statins"). */
function planClass(p: PlanInput) {
  const { parsed, b, limit, molecules } = p;
  const e = parsed.intent.entities;
  const cls = e.classes![0];
  const ranked = parsed.actions.includes("rank");
  const numeric = e.filters.length > 0 || (e.relative?.length ?? 0) > 0 || !!e.approval_year;
  const members = b.add("class_members", {
    class: refText(cls),
    ...(e.phase?.min === 4 ? { approved: true } : e.phase?.min ? { min_phase: e.phase.min } : {}),
    ...(e.route ? { route: e.route } : {}),
    ...(molecules.length ? { among: molecules.map((m) => m.compound ?? m.smiles) } : {}),
    limit: numeric || ranked ? 2000 : limit ?? 50,
  }, molecules.length ? `which are ${cls.text}` : `members of ${cls.text}`);
  let last = members, path = "members[].id";
  if (numeric) {
    const { phase: _p, ...rest } = filterArgs(p);
    last = b.add("filter_by_properties", {
      compounds: ref(members, path),
      ...rest,
      limit: ranked ? 2000 : limit ?? 50,
    }, "filter by properties");
    path = "compounds[].id";
  }
  if (ranked) {
    last = rankStep(p, last, path, limit ?? 25);
    path = "compounds[].id";
  }
  if (parsed.actions.includes("targets")) {
    b.add("targets_of_compound", { include_activity: false }, "targets of each member", {
      for_each: { $from: last, path, as: "compound", max: limit ?? MAX_FANOUT },
    });
  }
}

/** Potency (a source with bioactivities): one query over the named compounds and targets. */
function planPotency(p: PlanInput): void {
  const e = p.parsed.intent.entities;
  p.b.add("potency", {
    compounds: p.molecules.map((m) => m.compound ?? m.smiles!),
    targets: e.targets.map(refText),
    ...e.potency,
    ...(p.limit ? { limit: p.limit } : {}),
  }, "potency values");
}
