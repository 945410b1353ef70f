/** @module Planner: Intent (+ recognised actions) → a DAG of tool steps; workflows chain steps by reference. */
import type { Parsed } from "../intent/parse.ts";
import type { EntityRef, Plan, Step, StepRef } from "../types.ts";

/** Most inputs one batch query may name (documented in docs/user-guide.md). */
export const MAX_BATCH = 25;
/** Similarity threshold for questions that do not give one (Morgan r2 Tanimoto; 0.7 is near-analogue only). */
export const DEFAULT_NL_THRESHOLD = 0.5;
/** Most hits a workflow fans out over (targets of each hit, ligands of each target). */
export const MAX_FANOUT = 10;

const ref = ($from: string, path: string): StepRef => ({ $from, path });

class PlanBuilder {
  readonly steps: Step[] = [];
  add(tool: string, args: Record<string, unknown>, label: string, extra: Partial<Step> = {}): string {
    const id = `s${this.steps.length + 1}`;
    const deps = new Set<string>(extra.depends_on ?? []);
    collectRefs(args, deps);
    if (extra.for_each) deps.add(extra.for_each.$from);
    this.steps.push({
      id,
      tool,
      args,
      depends_on: [...deps],
      label,
      ...(extra.for_each ? { for_each: extra.for_each } : {}),
    });
    return id;
  }
}

function collectRefs(v: unknown, into: Set<string>) {
  if (Array.isArray(v)) v.forEach((x) => collectRefs(x, into));
  else if (v && typeof v === "object") {
    if ("$from" in v) into.add((v as StepRef).$from);
    else Object.values(v).forEach((x) => collectRefs(x, into));
  }
}

const refText = (r: EntityRef) => r.id ?? r.text;

/** Builds the plan. Independent steps (per-compound lookups) have no dependencies and run in parallel. */
export function planFor(parsed: Parsed, defaults: { limit?: number } = {}): Plan {
  const { intent, actions } = parsed;
  const e = intent.entities;
  const b = new PlanBuilder();
  const named: { compound?: string; smiles?: string; label: string }[] = [
    ...e.compounds.map((c) => ({ compound: refText(c), label: c.text })),
    ...e.smiles.map((s) => ({ smiles: s, label: s })),
  ];
  const molecules = named.slice(0, MAX_BATCH);
  const limit = e.limit ?? defaults.limit;
  const threshold = e.threshold ?? DEFAULT_NL_THRESHOLD;
  if (parsed.error) return { steps: [] };

  const similarFrom = (
    mol: { compound?: string; smiles?: string } | { compound: StepRef },
    after?: string,
  ) => {
    const wide = e.filters.length > 0 || actions.includes("rank");
    const sim = b.add(
      "similarity_search",
      {
        ...mol,
        threshold,
        limit: wide ? 500 : limit ?? 10,
      },
      "find similar compounds",
      after ? { depends_on: [after] } : {},
    );
    let last = sim;
    let path = "hits[].id";
    if (e.filters.length) {
      last = b.add("filter_by_properties", {
        compounds: ref(sim, "hits[].id"),
        filters: e.filters,
        limit: actions.includes("rank") ? 500 : limit ?? 10,
      }, "filter by properties");
      path = "compounds[].id";
    }
    if (actions.includes("rank")) {
      const by = rankKey(parsed);
      last = b.add("rank", {
        compounds: ref(last, path),
        by: by.property,
        order: by.order,
        limit: limit ?? 10,
      }, `rank by ${by.property}`);
      path = "compounds[].id";
    }
    return { last, path };
  };

  switch (intent.type) {
    case "compound_lookup":
    case "batch_query": {
      const tool = actions.includes("targets")
        ? "targets_of_compound"
        : actions.includes("lipinski")
        ? "lipinski"
        : actions.includes("properties")
        ? "properties"
        : "compound_lookup";
      for (const m of molecules) {
        const args = tool === "compound_lookup"
          ? { query: m.compound ?? m.smiles }
          : tool === "targets_of_compound"
          ? { compound: m.compound ?? m.smiles, include_activity: false }
          : m;
        b.add(tool, args, `${tool.replace(/_/g, " ")}: ${m.label}`);
      }
      break;
    }
    case "property_query":
      for (const m of molecules) {
        b.add(
          actions.includes("lipinski") && !actions.includes("properties") ? "lipinski" : "properties",
          m,
          `properties: ${m.label}`,
        );
      }
      break;
    case "property_comparison": {
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
      break;
    }
    case "property_filter":
      if (molecules.length) {
        b.add("filter_by_properties", {
          compounds: molecules.map((m) => m.compound ?? m.smiles),
          filters: e.filters,
          limit: limit ?? 50,
        }, "filter by properties");
      } else {
        const f = b.add("filter_by_properties", {
          filters: e.filters,
          limit: actions.includes("rank") ? 5000 : limit ?? 25,
        }, "filter the dataset");
        if (actions.includes("rank")) {
          const by = rankKey(parsed);
          b.add("rank", {
            compounds: ref(f, "compounds[].id"),
            by: by.property,
            order: by.order,
            limit: limit ?? 25,
          }, `rank by ${by.property}`);
        }
      }
      break;
    case "similarity_search":
      if (molecules[0]) similarFrom({ compound: molecules[0].compound, smiles: molecules[0].smiles });
      break;
    case "substructure_search": {
      const q = parsed.substructure?.query ?? e.smiles[0];
      const s = b.add(
        "substructure_search",
        { query: q, limit: e.filters.length ? 1000 : limit ?? 20 },
        `substructure ${parsed.substructure?.label ?? q}`,
      );
      if (e.filters.length) {
        b.add("filter_by_properties", {
          compounds: ref(s, "hits[].id"),
          filters: e.filters,
          limit: limit ?? 20,
        }, "filter by properties");
      }
      break;
    }
    case "target_query":
      for (const m of molecules) {
        b.add(
          "targets_of_compound",
          { compound: m.compound ?? m.smiles, include_activity: true },
          `targets of ${m.label}`,
        );
      }
      break;
    case "reverse_target_query":
      for (const t of e.targets) {
        b.add(
          "ligands_of_target",
          { target: refText(t), limit: limit ?? 200, include_activity: true },
          `ligands of ${t.text}`,
        );
      }
      break;
    case "target_comparison": {
      const sets = molecules.map((m) =>
        b.add(
          "targets_of_compound",
          { compound: m.compound ?? m.smiles, include_activity: false },
          `targets of ${m.label}`,
        )
      );
      b.add(
        "intersect_targets",
        { sets: sets.map((s) => ref(s, "targets[].id")), labels: molecules.map((m) => m.label) },
        "targets in common",
        { depends_on: sets },
      );
      break;
    }
    case "multi_step_workflow":
      planWorkflow(b, parsed, molecules, similarFrom, limit);
      break;
    default:
      break;
  }
  return {
    steps: b.steps,
    ...(named.length > MAX_BATCH ? { truncated: { given: named.length, used: MAX_BATCH } } : {}),
  };
}

function rankKey(parsed: Parsed): { property: string; order: "asc" | "desc" } {
  const e = parsed.intent.entities;
  const numeric = e.properties.filter((p) =>
    !["lipinski", "veber", "formula", "smiles", "inchi", "inchikey", "all"].includes(p)
  );
  const filterProps = new Set(e.filters.map((f) => f.property));
  const property = numeric.find((p) => !filterProps.has(p as never)) ?? numeric[0] ?? "molecular_weight";
  const order = e.comparison?.direction === "lower" ||
      /\b(?:ascending|lowest|smallest|lightest|least)\b/i.test(JSON.stringify(parsed.actions))
    ? "asc"
    : "desc";
  return { property, order };
}

function planWorkflow(
  b: PlanBuilder,
  parsed: Parsed,
  molecules: { compound?: string; smiles?: string; label: string }[],
  similarFrom: (
    mol: { compound?: string; smiles?: string } | { compound: StepRef },
    after?: string,
  ) => { last: string; path: string },
  limit: number | undefined,
) {
  const { actions } = parsed;
  const e = parsed.intent.entities;
  const m = molecules[0];
  // Current "subject": either the named molecules or the output list of the previous step.
  let list: { step: string; path: string } | null = null;
  let single: { compound?: string | StepRef; smiles?: string } | null = m
    ? { compound: m.compound, smiles: m.smiles }
    : null;
  let lookupStep: string | undefined;
  for (const action of actions) {
    switch (action) {
      case "lookup":
        if (m && !list) {
          lookupStep = b.add("compound_lookup", { query: m.compound ?? m.smiles }, `look up ${m.label}`);
        }
        if (lookupStep) single = { compound: ref(lookupStep, "compound.id") };
        break;
      case "compare": {
        const lookups = molecules.map((x) =>
          b.add("compound_lookup", { query: x.compound ?? x.smiles }, `look up ${x.label}`)
        );
        const prop = e.comparison?.property ?? "clogp";
        const cmp = b.add(
          "compare_properties",
          { compounds: lookups.map((s) => ref(s, "compound.id")), properties: [prop] },
          `compare ${prop}`,
          { depends_on: lookups },
        );
        // Conditional next step: continue with the winner of the comparison.
        single = {
          compound: ref(
            cmp,
            `extremes.${prop}.${e.comparison?.direction === "lower" ? "lowest" : "highest"}`,
          ),
        };
        break;
      }
      case "properties":
      case "lipinski":
        if (list) {
          b.add("filter_by_properties", {
            compounds: ref(list.step, list.path),
            filters: [{ property: "molecular_weight", op: ">", value: 0 }],
            limit: limit ?? 50,
          }, "properties of the results");
        } else if (single) b.add(action, single, `${action} of ${m?.label ?? "the compound"}`);
        break;
      case "similar": {
        if (!single) break;
        const r = similarFrom(single as { compound: StepRef });
        list = { step: r.last, path: r.path };
        break;
      }
      case "targets":
        if (list) {
          b.add("targets_of_compound", { include_activity: false }, "targets of each result", {
            for_each: { $from: list.step, path: list.path, as: "compound", max: 10 },
          });
        } else if (single) {
          const t = b.add(
            "targets_of_compound",
            { ...asCompound(single), include_activity: false },
            `targets of ${m?.label ?? "the compound"}`,
          );
          list = { step: t, path: "targets[].id" };
        }
        break;
      case "other_ligands":
      case "ligands":
        if (!list && single) {
          const t = b.add(
            "targets_of_compound",
            { ...asCompound(single), include_activity: false },
            `targets of ${m?.label ?? "the compound"}`,
          );
          list = { step: t, path: "targets[].id" };
        }
        if (list) {
          b.add("ligands_of_target", { limit: 50, include_activity: false }, "other ligands of each target", {
            for_each: { $from: list.step, path: list.path, as: "target", max: 10 },
          });
        } else if (e.targets[0]) {
          const l = b.add("ligands_of_target", {
            target: e.targets[0].id ?? e.targets[0].text,
            include_activity: false,
          }, `ligands of ${e.targets[0].text}`);
          list = { step: l, path: "ligands[].id" };
        }
        break;
      case "common_targets": {
        const sets = molecules.map((x) =>
          b.add(
            "targets_of_compound",
            { compound: x.compound ?? x.smiles, include_activity: false },
            `targets of ${x.label}`,
          )
        );
        const common = b.add(
          "intersect_targets",
          { sets: sets.map((s) => ref(s, "targets[].id")), labels: molecules.map((x) => x.label) },
          "targets in common",
          { depends_on: sets },
        );
        list = { step: common, path: "common[].id" };
        break;
      }
      case "rank":
      case "filter":
        // Applied inside similarFrom when similarity produced the list; otherwise rank the current list.
        if (list && !b.steps.some((s) => s.tool === "rank") && action === "rank") {
          const by = rankKey(parsed);
          const r = b.add("rank", {
            compounds: ref(list.step, list.path),
            by: by.property,
            order: by.order,
            limit: limit ?? 10,
          }, `rank by ${by.property}`);
          list = { step: r, path: "compounds[].id" };
        }
        break;
      case "substructure":
        if (parsed.substructure) {
          const s = b.add(
            "substructure_search",
            { query: parsed.substructure.query, limit: 100 },
            `substructure ${parsed.substructure.label}`,
          );
          list = { step: s, path: "hits[].id" };
        }
        break;
    }
  }
}

const asCompound = (
  s: { compound?: string | StepRef; smiles?: string },
) => (s.compound ? { compound: s.compound } : { compound: s.smiles });
